// Keeps the refresh token Outreach just issued for the next run, everywhere it is asked to:
// OUTREACH_REFRESH_TOKEN_FILE, and the SecretKeeper port the command layer passed in (in GitHub
// Actions with MAPSYNC_SECRETS_TOKEN, the repository's OUTREACH_REFRESH_TOKEN secret). Outreach has already retired the token it replaced, so a place
// that could not be updated would lock the next run out: that is an error, never a warning.
import { MapsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import { SecretNotKept } from '../ports.js';
import { writeRefreshTokenFile } from './refreshTokenFile.js';
import type { RefreshTokenKeeping } from './settings.js';

export const REFRESH_TOKEN_SECRET = 'OUTREACH_REFRESH_TOKEN';

const AUTHORISE_AGAIN = 'then authorise the Outreach app again and set OUTREACH_REFRESH_TOKEN to the new refresh token (docs/operations.md, "When the Outreach refresh token is revoked")';

let warnedNowhere = false;

export async function keepRefreshToken(keep: RefreshTokenKeeping, token: string, log: Logger): Promise<void> {
  const failures: MapsyncError[] = [];
  if (keep.file) {
    try {
      await writeRefreshTokenFile(keep.file, token);
      log.debug(`Outreach: new refresh token kept in OUTREACH_REFRESH_TOKEN_FILE ${keep.file}`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      failures.push(new MapsyncError(`cannot keep Outreach's new refresh token in OUTREACH_REFRESH_TOKEN_FILE ${keep.file} (${code}); the token it replaced no longer works`, {
        hint: `make that file and its folder writable for the user running mapsync, ${AUTHORISE_AGAIN}`,
      }));
    }
  }
  if (keep.elsewhere) {
    const where = keep.elsewhere.describe(REFRESH_TOKEN_SECRET);
    try {
      await keep.elsewhere.keep(REFRESH_TOKEN_SECRET, token);
      log.debug(`Outreach: new refresh token kept in ${where}`);
    } catch (err) {
      const why = err instanceof SecretNotKept ? err : { message: (err as Error).message, hint: `check ${where}` };
      failures.push(new MapsyncError(`cannot keep Outreach's new refresh token in ${where}: ${why.message}; the token it replaced no longer works`, {
        hint: `${why.hint}, ${AUTHORISE_AGAIN}`,
      }));
    }
  }
  if (failures.length > 0) throw failures[0]!;
  if (!keep.file && !keep.elsewhere && !warnedNowhere) {
    warnedNowhere = true;
    log.warn('Outreach issued a new refresh token and retired the old one; mapsync keeps it for this run only: set OUTREACH_REFRESH_TOKEN_FILE (in GitHub Actions: MAPSYNC_SECRETS_TOKEN) so the next run can refresh too');
  }
}
