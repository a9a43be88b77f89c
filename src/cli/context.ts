// Builds the CommandContext (src/context.ts) once from the global flags.
import pc from 'picocolors';
import { loadConfig } from '../config.js';
import { refuseEscapingPaths } from '../configFromPullRequest.js';
import type { CommandContext } from '../context.js';
import { gitHubPorts } from '../github/ports.js';
import { createLogger } from '../log.js';
import { redact } from '../secrets.js';

export interface GlobalOptions {
  debug?: boolean;
  config?: string;
  color?: boolean;
}


export function colorEnabled(env: NodeJS.ProcessEnv, flag: boolean | undefined, isTTY: boolean): boolean {
  if (flag === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTTY;
}

export async function createContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Promise<CommandContext> {
  const debug = Boolean(options.debug) || env.MAPSYNC_DEBUG === '1';
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  const log = createLogger({ debug });
  const config = await loadConfig(options.config);
  refuseEscapingPaths(config, env, options.config);
  return {
    config,
    env,
    log,
    // The outside world the stores reach through ports: GitHub's lease and Actions secrets.
    ports: gitHubPorts(env, log),
    debug,
    colors: pc.createColors(colorEnabled(env, options.color, stdoutIsTTY)),
    print: (text) => process.stdout.write(redact(text, env)),
    stdoutIsTTY,
    stdinIsTTY: Boolean(process.stdin.isTTY),
  };
}
