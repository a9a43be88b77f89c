// The way an admin starts: the packed tarball installed into an empty project (the install is
// shared with test/package through packedInstall.ts's cache; this file gets its own copy), then
// `npx mapsync init`, then validate / fmt --check / plan — and the README's adoption path: import
// from a seeded file store, plan shows no changes.
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/cli.js';
import { packAndInstall, type PackedInstall } from '../package/packedInstall.js';

const run = promisify(execFile);
let packed: PackedInstall;

beforeAll(async () => {
  packed = await packAndInstall();
}, 600_000);
afterAll(async () => {
  await packed?.cleanup();
});

/** `npx mapsync …` in the project: exit code and output. */
async function npx(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['--no-install', 'mapsync', ...args], { cwd: packed.project, env: cleanEnv() });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('npm install <tarball> → npx mapsync init', () => {
  it('init points the modeline at node_modules/mapsync, and validate, fmt --check and plan succeed', async () => {
    const init = await npx(['init']);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('created mappings/example.yaml');
    const example = await readFile(join(packed.project, 'mappings/example.yaml'), 'utf8');
    expect(example.split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/mapsync/schema/user-mappings.schema.json');
    // The workflows name the action by the package's repository and version.
    const plan = await readFile(join(packed.project, '.github/workflows/mapsync-plan.yml'), 'utf8');
    expect(plan).toContain(`uses: acme/mapsync@v${packed.version}`);
    // The project's package.json is the admin's: init leaves it alone.
    expect(JSON.parse(await readFile(join(packed.project, 'package.json'), 'utf8')).dependencies).toHaveProperty('mapsync');

    expect((await npx(['validate'])).code).toBe(0);
    expect((await npx(['fmt', '--check'])).code).toBe(0);
    const planned = await npx(['plan']);
    expect(planned.stdout).toContain('Plan: 1 to add, 0 to remove, 0 unchanged.');
    expect(planned.code).toBe(0);
  });

  it('adopting: import the live list from a seeded store, then plan shows no changes', async () => {
    await rm(join(packed.project, 'mappings/example.yaml'));
    const live = {
      mappings: [
        { crmUserId: '0055e000001AbCdAAK', outreachUserId: 42, crmUserName: 'Ada Lovelace', outreachUserName: 'Ada Lovelace' },
        { crmUserId: '005Dn000007tUvWIAU', outreachUserId: 108, crmUserName: 'Alan Turing', outreachUserName: 'Alan Turing' },
      ],
    };
    await writeFile(join(packed.project, 'live.json'), JSON.stringify(live));
    const imported = await npx(['import', '--store', 'file:live.json', '--out', 'mappings/imported.yaml']);
    expect(imported.code).toBe(0);
    expect((await npx(['validate'])).code).toBe(0);
    const plan = await npx(['plan', '--store', 'file:live.json', '--detailed-exitcode']);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
  });
});
