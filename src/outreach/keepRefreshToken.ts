// Keeps the refresh token Outreach just issued for the next run, everywhere the environment says:
// OUTREACH_REFRESH_TOKEN_FILE, and in GitHub Actions with MAPSYNC_SECRETS_TOKEN the repository's
// OUTREACH_REFRESH_TOKEN secret. Outreach has already retired the token it replaced, so a place
// that could not be updated would lock the next run out: that is an error, never a warning.
import { MapsyncError } from '../errors.js';
import { writeActionsSecret } from '../github/actionsSecret.js';
import { createGitHubClient } from '../github/client.js';
import type { Logger } from '../log.js';
import { writeRefreshTokenFile } from './refreshTokenFile.js';
import type { RefreshTokenKeeping } from './settings.js';

export const REFRESH_TOKEN_SECRET = 'OUTREACH_REFRESH_TOKEN';

const AUTHORISE_AGAIN = 'then authorise the Outreach app again and set OUTREACH_REFRESH_TOKEN to the new refresh token (docs/operations.md, "When the Outreach refresh token is revoked")';

/** One line about a GitHub failure; octokit's RequestError carries `status` and the answer's `message`. */
function gitHubFailure(err: unknown): { text: string; status?: number } {
  const e = err as { status?: unknown; response?: { data?: { message?: unknown } }; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const message = typeof e.response?.data?.message === 'string' ? e.response.data.message : (String(e.message ?? err).split('\n')[0] ?? '');
  return { text: status ? `${status} ${message}` : message, status };
}

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
  if (keep.actionsSecret) {
    const github = keep.actionsSecret;
    try {
      await writeActionsSecret(createGitHubClient(github, log), github, REFRESH_TOKEN_SECRET, token);
      log.debug(`Outreach: new refresh token kept in the Actions secret ${REFRESH_TOKEN_SECRET} of ${github.owner}/${github.repo}`);
    } catch (err) {
      const { text, status } = gitHubFailure(err);
      const why = status === 401 ? 'GitHub rejected MAPSYNC_SECRETS_TOKEN' : status === 403 || status === 404 ? 'MAPSYNC_SECRETS_TOKEN may not write Actions secrets' : 'GitHub did not take it';
      failures.push(new MapsyncError(`cannot keep Outreach's new refresh token in the Actions secret ${REFRESH_TOKEN_SECRET} of ${github.owner}/${github.repo}: ${why} (${text}); the token it replaced no longer works`, {
        hint: `give MAPSYNC_SECRETS_TOKEN "Secrets: Read and write" on this repository (a fine-grained token; GITHUB_TOKEN cannot write secrets), ${AUTHORISE_AGAIN}`,
      }));
    }
  }
  if (failures.length > 0) throw failures[0]!;
  if (!keep.file && !keep.actionsSecret && !warnedNowhere) {
    warnedNowhere = true;
    log.warn('Outreach issued a new refresh token and retired the old one; mapsync keeps it for this run only: set OUTREACH_REFRESH_TOKEN_FILE (in GitHub Actions: MAPSYNC_SECRETS_TOKEN) so the next run can refresh too');
  }
}
