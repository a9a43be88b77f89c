// Files the user names on the command line (`plan --out`, `import --out`): checked before any
// work starts and written atomically at the end. The folder must already exist — creating a
// user's path recursively once sent files to the filesystem root and, under /proc, never
// returned — so a path that cannot be written is one clear line, and nothing is created.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { MapsyncError } from './errors.js';

const CODE = 'output-unwritable';

function shown(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel === '' || rel.startsWith('..') ? resolve(path) : rel;
}

function refuse(what: string, path: string, reason: string): MapsyncError {
  return new MapsyncError(`cannot write ${what} to ${shown(path)}: ${reason}`, {
    code: CODE,
    hint: 'choose a path in a folder that exists and that you can write to (mapsync creates no folders for --out)',
  });
}

/**
 * Fails fast, with nothing created, when `path` cannot be written: its folder is missing, is
 * not a folder, or refuses writes; or `path` itself is a folder. `what` reads "the plan".
 */
export async function checkOutputFile(path: string, what: string): Promise<void> {
  if (path === '' || path.endsWith('/')) throw refuse(what, path, 'that names a folder, not a file');
  const folder = dirname(resolve(path));
  let info;
  try {
    info = await stat(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw refuse(what, path, `the folder ${shown(folder)} does not exist`);
    if (code === 'ENOTDIR') throw refuse(what, path, `a part of ${shown(folder)} is a file, not a folder`);
    throw refuse(what, path, (err as Error).message);
  }
  if (!info.isDirectory()) throw refuse(what, path, `${shown(folder)} is not a folder`);
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw refuse(what, path, `the folder ${shown(folder)} is not writable`);
  }
  const target = await stat(path).catch(() => undefined);
  if (target?.isDirectory()) throw refuse(what, path, 'that is a folder');
}

/**
 * Writes `text` to `path` atomically (temporary file, fsync, rename), after the same checks:
 * a reader sees the old file or the new one, and a failure leaves no temporary file behind.
 */
export async function writeOutputFile(path: string, text: string, what: string): Promise<void> {
  await checkOutputFile(path, what);
  // Loaded when a file is written, not when a command only checks its --out early.
  const { default: writeFileAtomic } = await import('write-file-atomic');
  try {
    await writeFileAtomic(path, text, { fsync: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Some folders pass the permission check and still refuse new files (/proc, /sys, read-only mounts).
    const reason = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT'
      ? `the folder ${shown(dirname(resolve(path)))} does not accept new files (${code})`
      : (err as Error).message;
    throw refuse(what, path, reason);
  }
}
