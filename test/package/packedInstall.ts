// Packs this repository the way `npm publish` would and installs the tarball into an empty
// project, the way an org installs mapsync (CONTRACT §13). Shared by the package tests and
// test/init/packedInit.test.ts: every caller packs (under a second; npm pack writes the same bytes
// for the same files), but the install is made once per tarball and kept in
// node_modules/.cache/mapsync-packed-install/<sha256 of the tarball>/, built by one vitest worker
// under a lock while the others wait. Each caller gets its own copy of the installed project,
// since the tests write into it (init, mappings/, .mapsync/).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../helpers/cli.js';

const run = promisify(execFile);

export interface PackedFile { path: string; size: number }

export interface PackedInstall {
  /** The empty project the tarball was installed into (this caller's own copy). */
  project: string;
  tarball: string;
  /** Every path in the tarball, relative to the package root. */
  files: PackedFile[];
  version: string;
  devDependencies: string[];
  /** True when the install came from the cache (another test file, or an earlier run, made it). */
  fromCache: boolean;
  cleanup: () => Promise<void>;
}

const CACHE = join(REPO_ROOT, 'node_modules', '.cache', 'mapsync-packed-install');
const PROJECT = 'org-repo';
/** A lock whose owner is gone, or older than this, is taken over. */
const STALE_LOCK_MS = 10 * 60_000;
/** Cached installs of other tarballs (older builds) are removed once this old. */
const PRUNE_AFTER_MS = 60 * 60_000;

/** npm with a quiet, offline-first environment (the tarball's dependencies come from npm's cache). */
export async function npm(args: string[], cwd: string): Promise<string> {
  const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  const { stdout } = await run('npm', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** `npm install <tarball>` into `<dir>/org-repo`, the tarball beside it (the project names it as file:../<name>). */
async function installInto(dir: string, tarball: string, filename: string): Promise<void> {
  await mkdir(join(dir, PROJECT), { recursive: true });
  if (join(dir, filename) !== tarball) await cp(tarball, join(dir, filename));
  await writeFile(join(dir, PROJECT, 'package.json'), `${JSON.stringify({ name: 'org-mappings', version: '1.0.0', private: true }, null, 2)}\n`);
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join('..', filename)], join(dir, PROJECT));
}

const exists = (path: string) => stat(path).then(() => true, () => false);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ownerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the lock at `lock` was left by a process that is gone, or is too old to trust. */
async function staleLock(lock: string): Promise<boolean> {
  try {
    const [owner, info] = await Promise.all([readFile(join(lock, 'pid'), 'utf8'), stat(lock)]);
    return !ownerAlive(Number(owner)) || Date.now() - info.mtimeMs > STALE_LOCK_MS;
  } catch {
    // No pid file yet: the owner is between mkdir and writeFile, unless the lock is old.
    const info = await stat(lock).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > STALE_LOCK_MS;
  }
}

async function pruneOthers(root: string, keep: string): Promise<void> {
  for (const name of await readdir(root)) {
    if (name === keep || name.startsWith(`${keep}.`)) continue;
    const path = join(root, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > PRUNE_AFTER_MS) await rm(path, { recursive: true, force: true });
  }
}

/**
 * `<root>/<key>`, made by `build` once for all callers (vitest workers are processes): the builder
 * holds the lock `<key>.lock` (a directory: mkdir is atomic), builds in a folder of its own and
 * moves it into place with one rename, so a reader sees it whole or not at all. A lock whose owner
 * is gone is taken over; a failed build leaves nothing behind.
 */
export async function buildOnce(root: string, key: string, build: (dir: string) => Promise<void>): Promise<{ dir: string; built: boolean }> {
  const dir = join(root, key);
  const lock = `${dir}.lock`;
  await mkdir(root, { recursive: true });
  for (;;) {
    if (await exists(dir)) return { dir, built: false };
    try {
      await mkdir(lock);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await staleLock(lock)) await rm(lock, { recursive: true, force: true });
      else await sleep(200);
      continue;
    }
    try {
      await writeFile(join(lock, 'pid'), String(process.pid));
      if (await exists(dir)) return { dir, built: false };
      const building = `${dir}.building-${process.pid}`;
      await rm(building, { recursive: true, force: true });
      try {
        await build(building);
        await rename(building, dir);
      } catch (err) {
        await rm(building, { recursive: true, force: true });
        throw err;
      }
      await pruneOthers(root, key);
      return { dir, built: true };
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

export async function packAndInstall(): Promise<PackedInstall> {
  const scratch = await mkdtemp(join(tmpdir(), 'mapsync-package-'));
  try {
    // --ignore-scripts: `prepack` would rebuild dist/ under the other test files that are
    // reading it; `pretest` has just built it, so this packs exactly what `npm pack` ships.
    const packed = JSON.parse(await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], REPO_ROOT)) as
      { filename: string; version: string; files: PackedFile[] }[];
    const [entry] = packed;
    if (!entry) throw new Error('npm pack reported no tarball');
    const tarball = join(scratch, entry.filename);
    const hash = createHash('sha256').update(await readFile(tarball)).digest('hex');
    const cached = await buildOnce(CACHE, hash, (dir) => installInto(dir, tarball, entry.filename));
    // The project's own copy, beside this tarball as in the cache; symlinks (node_modules/.bin) as they are.
    const project = join(scratch, PROJECT);
    await cp(join(cached.dir, PROJECT), project, { recursive: true, verbatimSymlinks: true });
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
    return {
      project,
      tarball,
      files: entry.files,
      version: entry.version,
      devDependencies: Object.keys(manifest.devDependencies ?? {}),
      fromCache: !cached.built,
      cleanup: () => rm(scratch, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
