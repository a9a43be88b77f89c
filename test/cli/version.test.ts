// `mapsync --version` prints the installed package's version and nothing else.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, REPO_ROOT, runCli, runCliProcess } from '../helpers/cli.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => { await cleanup?.(); cleanup = undefined; });

describe('mapsync --version', () => {
  // A process: the launcher finds its package from its own location, whatever the cwd.
  it('prints the version from package.json and exits 0, from any folder', async () => {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    const project = await makeProject();
    cleanup = project.cleanup;
    const result = await runCliProcess(['--version'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
    expect(result.stderr).toBe('');
  });

  it('is listed in --help', async () => {
    const result = await runCli(['--help'], { cwd: REPO_ROOT });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--version\s+print the mapsync version/);
  });
});
