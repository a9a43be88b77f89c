/**
 * An error the user can act on: printed as one line (plus an optional hint), never a stack
 * trace unless --debug. Anything else that escapes is a bug and is reported as such.
 */
export class MapsyncError extends Error {
  readonly hint?: string;
  readonly exitCode: number;
  /** Kebab-case, for machines (`--format json` error documents); the message is for people. */
  readonly code?: string;
  /** The located problems behind this error (e.g. the invalid mapping files behind "no plan"). */
  readonly details?: readonly ErrorDetail[];

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown; code?: string; details?: readonly ErrorDetail[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MapsyncError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
    this.code = options.code;
    this.details = options.details;
  }
}

/** One problem as `--format json` reports it; the place where there is one. */
export interface ErrorDetail {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** A required environment variable is missing: names it and says what it is for. */
export function missingEnv(name: string, purpose: string): MapsyncError {
  return new MapsyncError(`${name} is not set: ${purpose}`, {
    code: 'missing-env',
    hint: `export ${name}=… (in CI, from a repository secret)`,
  });
}
