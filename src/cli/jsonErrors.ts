// "JSON stays JSON" (CONTRACT §3): with --format json, a command that fails before it has a
// result still prints exactly one JSON document, so a `jq` pipeline never reads empty input.
import { MapsyncError, type ErrorDetail } from '../errors.js';

/** Code for errors mapsync did not anticipate (bugs, unexpected system failures). */
export const INTERNAL_ERROR = 'internal-error';
/** Code for an anticipated error that has not been given a more specific one. */
export const GENERIC_ERROR = 'error';

/** The `errors` list for a failure: the located problems behind it, else the error itself. */
export function errorDetails(err: unknown): ErrorDetail[] {
  if (err instanceof MapsyncError) {
    if (err.details && err.details.length > 0) return err.details.map((d) => ({ ...d }));
    return [{ code: err.code ?? GENERIC_ERROR, message: err.message }];
  }
  const message = err instanceof Error ? err.message : String(err);
  return [{ code: INTERNAL_ERROR, message: message.split('\n')[0] ?? '' }];
}

export function errorDocument(errors: ErrorDetail[]): string {
  return `${JSON.stringify({ errors }, null, 2)}\n`;
}

/**
 * Whether the command line asks for JSON output — for failures commander reports itself (an
 * unknown option, a bad argument) before any command's options exist.
 */
export function argvWantsJson(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return false;
    if (argv[i] === '--format=json') return true;
    if (argv[i] === '--format' && argv[i + 1] === 'json') return true;
  }
  return false;
}
