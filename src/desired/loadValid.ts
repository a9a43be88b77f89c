// The one error path for every command that needs valid mapping files (plan, drift, suggest,
// drift --github-pr): the first errors on stderr as validate prints them, and one MapsyncError
// whose details list every error (code, file, line, column), so `--format json` prints them all.
import { relative } from 'node:path';
import type { CrmIdRules } from '../crm/index.js';
import { MapsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import type { DesiredState } from '../model.js';
import { loadDesired } from './load.js';
import type { ValidationError } from './validationError.js';

/** How many errors go to stderr before pointing at `mapsync validate` (the JSON lists them all). */
const ERRORS_SHOWN = 20;

/** `file:line:col  code  message` (+ a hint line), the way validate prints an error in text form. */
export function formatValidationError(error: ValidationError): string {
  const line = `${error.file}:${error.line}:${error.column}  ${error.code}  ${error.message}`;
  return error.hint ? `${line}\n  hint: ${error.hint}` : line;
}

function displayDir(dir: string): string {
  const shown = relative(process.cwd(), dir) || '.';
  return shown.endsWith('/') ? shown : `${shown}/`;
}

/**
 * The mapping files in `mappingsDir`, or the error listing every problem in them. `outcome` ends
 * the error's line, e.g. "no plan was made".
 */
export async function loadValidDesired(mappingsDir: string, crm: CrmIdRules, log: Logger, outcome: string): Promise<DesiredState> {
  const loaded = await loadDesired(mappingsDir, crm);
  if (loaded.errors.length === 0) return loaded.state;
  // A few errors are enough to act on; the full list is what `mapsync validate` is for.
  for (const error of loaded.errors.slice(0, ERRORS_SHOWN)) log.info(formatValidationError(error));
  const count = loaded.errors.length;
  if (count > ERRORS_SHOWN) log.info(`… and ${count - ERRORS_SHOWN} more`);
  const shown = displayDir(mappingsDir);
  throw new MapsyncError(`${count} ${count === 1 ? 'error' : 'errors'} in ${shown} — ${outcome}`, {
    code: 'invalid-mapping-files',
    details: loaded.errors.map(({ code, message, file, line, column }) => ({ code, message, file, line, column })),
    hint: `run \`mapsync validate${mappingsDir === 'mappings' ? '' : ` --dir ${shown}`}\` and fix them first`,
  });
}
