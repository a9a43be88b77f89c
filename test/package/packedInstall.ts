// Packs this repository the way `npm publish` would and installs the tarball into an empty
// project, the way an org installs mapsync (CONTRACT §13). Shared by the package tests so the
// suite pays for one pack and one install.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../helpers/cli.js';

const run = promisify(execFile);

export interface PackedFile { path: string; size: number }

export interface PackedInstall {
  /** The empty project the tarball was installed into. */
  project: string;
  tarball: string;
  /** Every path in the tarball, relative to the package root. */
  files: PackedFile[];
  version: string;
  devDependencies: string[];
  cleanup: () => Promise<void>;
}

/** npm with a quiet, offline-first environment (the tarball's dependencies come from npm's cache). */
export async function npm(args: string[], cwd: string): Promise<string> {
  const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  const { stdout } = await run('npm', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
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
    const project = join(scratch, 'org-repo');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), `${JSON.stringify({ name: 'org-mappings', version: '1.0.0', private: true }, null, 2)}\n`);
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project);
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
    return {
      project,
      tarball,
      files: entry.files,
      version: entry.version,
      devDependencies: Object.keys(manifest.devDependencies ?? {}),
      cleanup: () => rm(scratch, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
