// A Node 24 binary from the npm registry, which serves Node builds as packages
// (node-<platform>-<arch>), so the package can be proved on the Node that GitHub's runners use
// next to the machine's own Node 20. Kept under node_modules/.cache: a re-run reuses it, a fresh
// clone reinstalls it from npm's cache (no download after the first time on a machine).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../helpers/cli.js';
import { npm } from './packedInstall.js';

const run = promisify(execFile);

/** Pinned: the Node 24 LTS build these tests were last run on. */
export const NODE_24_VERSION = '24.22.3';

function registryPackage(): string | undefined {
  const platform = process.platform === 'linux' || process.platform === 'darwin' ? process.platform : undefined;
  const arch = process.arch === 'x64' || process.arch === 'arm64' ? process.arch : undefined;
  return platform && arch ? `node-${platform}-${arch}` : undefined;
}

export type Node24 = { node: string } | { unavailable: string };

export async function node24(): Promise<Node24> {
  const name = registryPackage();
  if (!name) return { unavailable: `the npm registry has no Node build named for ${process.platform}-${process.arch} here` };
  const cacheRoot = join(REPO_ROOT, 'node_modules', '.cache', 'mapsync-node');
  const home = join(cacheRoot, `${name}-${NODE_24_VERSION}`);
  const node = join(home, 'node_modules', name, 'bin', 'node');
  if (!existsSync(node)) {
    await mkdir(cacheRoot, { recursive: true });
    // Installed beside the cache and renamed into place, so a run that dies half-way leaves no
    // half-extracted binary for the next one.
    const staging = await mkdtemp(join(cacheRoot, 'staging-'));
    try {
      await writeFile(join(staging, 'package.json'), '{ "private": true }\n');
      await npm(['install', '--prefer-offline', '--no-save', '--no-package-lock', `${name}@${NODE_24_VERSION}`], staging);
      await rm(home, { recursive: true, force: true });
      await rename(staging, home);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      return { unavailable: `could not install ${name}@${NODE_24_VERSION} from the npm registry: ${(error as Error).message.split('\n')[0]}` };
    }
  }
  const { stdout } = await run(node, ['--version']);
  if (stdout.trim() !== `v${NODE_24_VERSION}`) throw new Error(`${node} reports ${stdout.trim()}, expected v${NODE_24_VERSION}`);
  return { node };
}
