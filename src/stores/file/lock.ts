// An exclusive lock on the store file, so two applies never interleave. proper-lockfile keeps a
// `<file>.lock` directory fresh while the lock is held; a lock whose mtime stopped moving is
// stale after STALE_MS. A SIGKILLed apply would still block the next one for that long, so the
// holder also writes its pid next to the lock: a lock held by a process that no longer exists on
// this machine is taken over at once.
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import lockfile from 'proper-lockfile';
import { MapsyncError } from '../../errors.js';

const STALE_MS = 10_000;

interface Owner {
  pid: number;
  host: string;
  since: string;
}

const ownerPath = (file: string) => `${file}.lock-owner`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(file: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await readFile(ownerPath(file), 'utf8')) as Owner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** True when the lock is held by a process on this machine that has died. */
async function heldByDeadProcess(file: string): Promise<boolean> {
  const owner = await readOwner(file);
  return owner !== undefined && owner.host === hostname() && owner.pid !== process.pid && !isAlive(owner.pid);
}

async function tryLock(file: string): Promise<() => Promise<void>> {
  return lockfile.lock(file, {
    realpath: false,
    stale: STALE_MS,
    retries: 0,
    onCompromised: (err) => {
      // Another process removed our lock (it judged it stale): stop rather than interleave.
      process.stderr.write(`error: lost the lock on ${file}: ${err.message}\n`);
      process.exit(1);
    },
  });
}

async function lockedError(file: string, shown: string): Promise<MapsyncError> {
  const owner = await readOwner(file);
  return new MapsyncError(`${shown} is locked by another apply${owner ? ` (pid ${owner.pid} on ${owner.host}, since ${owner.since})` : ''}`, {
    hint: 'wait for it to finish and run again (a crashed apply releases the lock automatically)',
  });
}

/** Locks `file` (which need not exist); `shown` is the path used in messages. Returns the release. */
export async function lockStoreFile(file: string, shown: string): Promise<() => Promise<void>> {
  await mkdir(dirname(file), { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await tryLock(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    if (!(await heldByDeadProcess(file))) throw await lockedError(file, shown);
    // The holder died without releasing: remove its lock and take it.
    await rmdir(`${file}.lock`).catch(() => undefined);
    await rm(ownerPath(file), { force: true });
    try {
      release = await tryLock(file);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'ELOCKED') throw await lockedError(file, shown);
      throw again;
    }
  }
  const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await writeFile(ownerPath(file), JSON.stringify(owner) + '\n');
  return async () => {
    await rm(ownerPath(file), { force: true });
    await release();
  };
}
