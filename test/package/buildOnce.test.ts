// The lock behind the shared pack+install (packedInstall.ts): however many callers ask at once,
// the install is built once and seen whole; a lock left by a dead process is taken over; a failed
// build leaves nothing that a later caller would take for an install.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildOnce } from './packedInstall.js';

let roots: string[] = [];
afterEach(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
  roots = [];
});
async function cacheRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'mapsync-build-once-'));
  roots.push(root);
  return root;
}

describe('buildOnce', () => {
  it('builds once for callers that ask at the same time; each sees the finished folder', async () => {
    const root = await cacheRoot();
    let builds = 0;
    const build = async (dir: string) => {
      builds++;
      await mkdir(dir);
      await writeFile(join(dir, 'half'), 'x');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await writeFile(join(dir, 'done'), 'yes');
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => buildOnce(root, 'k', build)));
    expect(builds).toBe(1);
    expect(results.filter((r) => r.built)).toHaveLength(1);
    for (const r of results) expect(await readFile(join(r.dir, 'done'), 'utf8')).toBe('yes');
    expect(await readdir(root)).toEqual(['k']);
    // Later callers take it as it is.
    expect(await buildOnce(root, 'k', build)).toEqual({ dir: join(root, 'k'), built: false });
    expect(builds).toBe(1);
  });

  it('takes over a lock whose process is gone', async () => {
    const root = await cacheRoot();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await mkdir(join(root, 'k.lock'));
    await writeFile(join(root, 'k.lock', 'pid'), String(dead));
    const result = await buildOnce(root, 'k', (dir) => mkdir(dir));
    expect(result.built).toBe(true);
    expect(await readdir(root)).toEqual(['k']);
  });

  it('a failed build leaves no folder and no lock; the next caller builds', async () => {
    const root = await cacheRoot();
    await expect(buildOnce(root, 'k', async (dir) => {
      await mkdir(dir);
      throw new Error('npm install failed');
    })).rejects.toThrow('npm install failed');
    expect(await readdir(root)).toEqual([]);
    expect((await buildOnce(root, 'k', (dir) => mkdir(dir))).built).toBe(true);
  });
});
