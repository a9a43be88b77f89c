// An exclusive lock on the store file, so two applies never interleave. proper-lockfile keeps a
// `<file>.lock` directory fresh while the lock is held; a lock whose mtime stopped moving is
// stale after STALE_MS. A SIGKILLed apply would still block the next one for that long, so the
// holder also writes its pid next to the lock: a lock held by a process that no longer exists on
// this machine is taken over at once. The pid is written *before* the lock is taken, as a pending
// owner file that becomes the owner file once the lock is held, so a process killed between
// taking the lock and naming itself is still known to be dead.
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { hostname } from 'node:os';
import { MapsyncError } from '../../errors.js';
import { redact } from '../../secrets.js';

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

async function readOwner(file: string, path = ownerPath(file)): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Owner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

const isDead = (owner: Owner | undefined) => owner !== undefined && owner.host === hostname() && owner.pid !== process.pid && !isAlive(owner.pid);

/**
 * Removes a lock whose holder died. Several applies may see the same dead holder at once: each
 * first renames the owner file to a name of its own, and only the one whose rename succeeded,
 * and who then still finds the dead pid in it, removes the lock. Anyone else puts back what it
 * took and reports the lock as held.
 */
async function claimDeadLock(file: string): Promise<boolean> {
  const owner = await readOwner(file);
  if (owner === undefined) return claimOwnerlessLock(file);
  if (!isDead(owner)) return false;
  return claimThrough(file, ownerPath(file));
}

/** Takes the lock over by renaming `token` (a dead holder's file) to a name of our own first. */
async function claimThrough(file: string, token: string): Promise<boolean> {
  const claimed = `${ownerPath(file)}.claim-${process.pid}`;
  try {
    await rename(token, claimed);
  } catch {
    return false;
  }
  if (!isDead(await readOwner(file, claimed))) {
    await rename(claimed, token).catch(() => undefined);
    return false;
  }
  await rmdir(`${file}.lock`).catch(() => undefined);
  await rm(claimed, { force: true });
  return true;
}

const pendingPath = (file: string, pid: number) => `${ownerPath(file)}.pending-${pid}`;

/**
 * A lock with no owner file: its holder was killed after taking it and before naming itself, or
 * is releasing it right now. Every locker writes a pending owner file before it takes the lock,
 * so when pending files exist and every one of them names a dead process of this machine, no
 * living process can hold the lock. With no pending file at all (a holder releasing), or any
 * living one, the lock is left alone. Claimers agree on the first pending file by name.
 */
async function claimOwnerlessLock(file: string): Promise<boolean> {
  const prefix = `${basename(ownerPath(file))}.pending-`;
  // Our own pending file (written before this attempt) is not a holder.
  const ours = pendingPath(file, process.pid);
  const names = (await readdir(dirname(file)).catch(() => [] as string[])).filter((name) => name.startsWith(prefix)).sort();
  const paths = names.map((name) => join(dirname(file), name)).filter((path) => path !== ours);
  if (paths.length === 0) return false;
  for (const path of paths) if (!isDead(await readOwner(file, path))) return false;
  if (!(await claimThrough(file, paths[0]!))) return false;
  for (const path of paths.slice(1)) await rm(path, { force: true });
  return true;
}

async function tryLock(file: string): Promise<() => Promise<void>> {
  // Loaded when an apply locks, not by every plan that reads the store (it patches fs at load).
  const { default: lockfile } = await import('proper-lockfile');
  return lockfile.lock(file, {
    realpath: false,
    stale: STALE_MS,
    retries: 0,
    onCompromised: (err) => {
      // Another process removed our lock (it judged it stale): stop rather than interleave.
      // Written directly: this fires from a timer, outside any command's error handling.
      process.stderr.write(redact(`error: lost the lock on ${relative(process.cwd(), file) || file}: ${err.message}`) + '\n');
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

/**
 * The checkout lock of a remote store (Salesforce, Outreach, Dynamics): the file store's lock on
 * `<stateDir>/<store>` (held as `<store>.lock`), so one left by an apply killed on this machine is
 * taken over at once; a live holder is one line naming the service.
 */
export async function lockCheckout(stateDir: string, store: string, service: string): Promise<() => Promise<void>> {
  const file = join(stateDir, store);
  try {
    return await lockStoreFile(file, relative(process.cwd(), file) || file);
  } catch (err) {
    if (err instanceof MapsyncError) {
      throw new MapsyncError(`another mapsync apply against ${service} is running from this checkout: ${err.message}`, {
        hint: 'wait for it to finish (a crashed run\'s lock is taken over at once on the same machine)',
      });
    }
    throw err;
  }
}

/** Locks `file` (which need not exist); `shown` is the path used in messages. Returns the release. */
export async function lockStoreFile(file: string, shown: string): Promise<() => Promise<void>> {
  await mkdir(dirname(file), { recursive: true });
  const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const pending = pendingPath(file, process.pid);
  await writeFile(pending, JSON.stringify(owner) + '\n');
  let release: () => Promise<void>;
  try {
    try {
      release = await tryLock(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      // The holder may have died without releasing (SIGKILL, power loss): then take its lock over.
      if (!(await claimDeadLock(file))) throw await lockedError(file, shown);
      try {
        release = await tryLock(file);
      } catch (again) {
        if ((again as NodeJS.ErrnoException).code === 'ELOCKED') throw await lockedError(file, shown);
        throw again;
      }
    }
  } catch (err) {
    await rm(pending, { force: true });
    throw err;
  }
  await rename(pending, ownerPath(file));
  return async () => {
    await rm(ownerPath(file), { force: true });
    await release();
  };
}
