// Where human-readable diagnostics go: stderr, redacted, so stdout stays clean for plans and JSON.
import { redact } from './secrets.js';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export function createLogger(options: { debug: boolean; quiet?: boolean; stream?: NodeJS.WritableStream }): Logger {
  const stream = options.stream ?? process.stderr;
  const write = (line: string) => stream.write(redact(line) + '\n');
  return {
    info: (m) => { if (!options.quiet) write(m); },
    warn: (m) => write(`warning: ${m}`),
    debug: (m) => { if (options.debug) write(`debug: ${m}`); },
  };
}
