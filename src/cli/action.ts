// Wraps a command so that it returns an exit code, and so that errors become one clear line.
import type { Command } from 'commander';
import { MapsyncError } from '../errors.js';
import { redact } from '../secrets.js';
import type { CommandContext } from '../context.js';
import { createContext, type GlobalOptions } from './context.js';
import { errorDetails, errorDocument } from './jsonErrors.js';

export type CommandRunner<O> = (options: O, context: CommandContext, args: string[]) => Promise<number>;

/**
 * Reports a failure: one line (and a hint) on stderr; with `json`, also the one JSON document
 * stdout owes a `--format json` caller that got no result.
 */
export function reportError(err: unknown, debug: boolean, options: { json?: boolean } = {}): number {
  const stderr = (line: string) => process.stderr.write(redact(line) + '\n');
  if (options.json) process.stdout.write(redact(errorDocument(errorDetails(err))));
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
    // Every command with --format json owes stdout one JSON document; once the command has printed
    // its own (a plan that lists its errors), a later failure adds none.
    const json = (options as { format?: unknown }).format === 'json';
    let printed = false;
    try {
      const created = await createContext(globals);
      const context: CommandContext = { ...created, print: (text) => { printed = true; created.print(text); } };
      process.exitCode = await runner(options, context, args);
    } catch (err) {
      process.exitCode = reportError(err, Boolean(globals.debug) || process.env.MAPSYNC_DEBUG === '1', { json: json && !printed });
    }
  };
}
