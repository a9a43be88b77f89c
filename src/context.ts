// What a command and a store are handed from the outside world. Types only, on the ground floor,
// so every layer can name them without importing the command layer (cli/ builds them).
import type pc from 'picocolors';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Ports } from './ports.js';

export type Colors = ReturnType<typeof pc.createColors>;

/** What a store, a directory or a client needs: the settings, the environment, a logger. */
export interface StoreContext {
  config: Config;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** The outside world a store may use (the cross-machine lease, a secret keeper); see ports.ts. */
  ports?: Ports;
}

/** Everything a command needs, built once from the global flags by cli/context.ts. */
export interface CommandContext extends StoreContext {
  debug: boolean;
  /** Colours for stdout: off when stdout is not a terminal, with NO_COLOR, or with --no-color. */
  colors: Colors;
  /** Writes to stdout, redacted. */
  print(text: string): void;
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
}
