// Wraps a command so that it returns an exit code, and so that errors become one clear line.
import type { Command } from 'commander';
import { MapsyncError } from '../errors.js';
import { redact } from '../secrets.js';
import { createContext, type CommandContext, type GlobalOptions } from './context.js';

export type CommandRunner<O> = (options: O, context: CommandContext, args: string[]) => Promise<number>;

export function reportError(err: unknown, debug: boolean): number {
  const stderr = (line: string) => process.stderr.write(redact(line) + '\n');
  if (err instanceof MapsyncError) {
    stderr(`error: ${err.message}`);
    if (err.hint) stderr(`hint: ${err.hint}`);
    if (debug && err.stack) stderr(err.stack);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr(`error: ${message.split('\n')[0]}`);
  if (debug) stderr(err instanceof Error && err.stack ? err.stack : String(err));
  else stderr('hint: run again with --debug for details');
  return 1;
}

/** Adapts a runner to commander: builds the context, sets process.exitCode, never throws. */
export function action<O>(runner: CommandRunner<O>) {
  return async (...received: unknown[]): Promise<void> => {
    const command = received[received.length - 1] as Command;
    const options = received[received.length - 2] as O;
    const args = received.slice(0, -2).filter((a): a is string => typeof a === 'string');
    const globals = command.optsWithGlobals() as GlobalOptions;
    try {
      const context = await createContext(globals);
      process.exitCode = await runner(options, context, args);
    } catch (err) {
      process.exitCode = reportError(err, Boolean(globals.debug) || process.env.MAPSYNC_DEBUG === '1');
    }
  };
}
