// Everything a command needs from the outside world, built once from the global flags.
import pc from 'picocolors';
import { loadConfig, type Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { redact } from '../secrets.js';

export interface GlobalOptions {
  debug?: boolean;
  config?: string;
  color?: boolean;
}

export type Colors = ReturnType<typeof pc.createColors>;

export interface CommandContext {
  config: Config;
  env: NodeJS.ProcessEnv;
  log: Logger;
  debug: boolean;
  /** Colours for stdout: off when stdout is not a terminal, with NO_COLOR, or with --no-color. */
  colors: Colors;
  /** Writes to stdout, redacted. */
  print(text: string): void;
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
}

export function colorEnabled(env: NodeJS.ProcessEnv, flag: boolean | undefined, isTTY: boolean): boolean {
  if (flag === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTTY;
}

export async function createContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Promise<CommandContext> {
  const debug = Boolean(options.debug) || env.MAPSYNC_DEBUG === '1';
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  return {
    config: await loadConfig(options.config),
    env,
    log: createLogger({ debug }),
    debug,
    colors: pc.createColors(colorEnabled(env, options.color, stdoutIsTTY)),
    print: (text) => process.stdout.write(redact(text, env)),
    stdoutIsTTY,
    stdinIsTTY: Boolean(process.stdin.isTTY),
  };
}
