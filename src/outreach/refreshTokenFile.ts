// The file that carries Outreach's newest refresh token from one run to the next
// (OUTREACH_REFRESH_TOKEN_FILE). Outreach rotates refresh tokens and refuses the old one, so the
// token a run received must be on disk before the run can lose it: written atomically (a crash
// leaves the old file or the new one, never half of either) and readable by its owner only.
import { readFileSync } from 'node:fs';
import { MapsyncError } from '../errors.js';
import { registerSecret } from '../secrets.js';

/** The token in the file, or undefined when there is no file (the first run) or it is empty. */
export function readRefreshTokenFile(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MapsyncError(`OUTREACH_REFRESH_TOKEN_FILE ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      hint: 'give the user running mapsync read and write access to that file, or point OUTREACH_REFRESH_TOKEN_FILE elsewhere',
    });
  }
  const token = text.trim();
  registerSecret(token);
  return token === '' ? undefined : token;
}

/** Replaces the file's token; the mode is 0600 from the moment the temporary file exists. */
export async function writeRefreshTokenFile(path: string, token: string): Promise<void> {
  const { default: writeFileAtomic } = await import('write-file-atomic'); // loaded when a token is kept, not read
  await writeFileAtomic(path, `${token}\n`, { mode: 0o600, encoding: 'utf8' });
}
