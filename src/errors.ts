/**
 * An error the user can act on: printed as one line (plus an optional hint), never a stack
 * trace unless --debug. Anything else that escapes is a bug and is reported as such.
 */
export class MapsyncError extends Error {
  readonly hint?: string;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MapsyncError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A required environment variable is missing: names it and says what it is for. */
export function missingEnv(name: string, purpose: string): MapsyncError {
  return new MapsyncError(`${name} is not set: ${purpose}`, {
    hint: `export ${name}=… (in CI, from a repository secret)`,
  });
}
