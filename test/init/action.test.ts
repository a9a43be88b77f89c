// The composite action (action.yml) run step by step by test/helpers/actionRunner.mjs, on an org
// repository made by `mapsync init` whose own package.json (a preinstall script) and
// node_modules (a fake mapsync binary, fake copies of mapsync's dependencies) would leave a mark
// if anything ran them. The action must run its own mapsync, by its own path, on the caller's files.
// `uses:` steps (actions/setup-node, actions/cache) are not run here: the test stands in for the
// cache by restoring a built mapsync (this checkout's dist/ and node_modules) the way a cache hit would.
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { evaluate, runAction } from '../helpers/actionRunner.mjs';

let root: string;
let actionPath: string;
let workspace: string;
let cacheRestores = 0;

/** Marks left in the org repository by anything of its own that ran. */
const MARKS = ['ran-preinstall', 'ran-caller-bin', 'ran-caller-commander', 'ran-caller-yaml', 'injected'];

/** A copy of the action as GitHub checks it out at a ref: sources, lockfile, no dist/ or node_modules/. */
async function checkoutAction(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const entry of ['action.yml', 'package.json', 'package-lock.json', 'tsconfig.json', 'bin', 'src', 'schema', 'scripts']) {
    await cp(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  }
}

/** A module that leaves a mark in the workspace if it is ever loaded. */
const trap = (mark: string) => `require('fs').writeFileSync(${JSON.stringify(mark)}, 'x'); throw new Error('the caller\\'s copy was loaded');\n`;

async function orgRepository(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'org-mappings', private: true, scripts: { preinstall: 'touch ran-preinstall', mapsync: 'touch ran-caller-bin' }, dependencies: { mapsync: '0.0.0' } }));
  await mkdir(join(dir, 'node_modules/.bin'), { recursive: true });
  await writeFile(join(dir, 'node_modules/.bin/mapsync'), '#!/bin/sh\ntouch ran-caller-bin\nexit 3\n');
  await chmod(join(dir, 'node_modules/.bin/mapsync'), 0o755);
  for (const name of ['commander', 'yaml', 'mapsync']) {
    const mark = name === 'mapsync' ? 'ran-caller-bin' : `ran-caller-${name}`;
    await mkdir(join(dir, 'node_modules', name, 'bin'), { recursive: true });
    await writeFile(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version: '0.0.0', main: 'index.js', bin: { [name]: 'bin/cli.js' } }));
    await writeFile(join(dir, 'node_modules', name, 'index.js'), trap(join(dir, mark)));
    await writeFile(join(dir, 'node_modules', name, 'bin/cli.js'), trap(join(dir, mark)));
  }
}

const options = (inputs: Record<string, string>): Parameters<typeof runAction>[0] => ({
  actionPath,
  workspace,
  inputs,
  // The caller's node_modules/.bin first on PATH: a bare `mapsync` or `npx mapsync` would find the trap.
  env: { PATH: `${join(workspace, 'node_modules/.bin')}:${process.env.PATH}`, NO_COLOR: '1' },
  // The install would run npm ci in the action's folder; here the cache always stands in for it.
  refuse: ['Install mapsync from the action\'s own lockfile'],
  onUses: async (step, context) => {
    if (!step.uses!.startsWith('actions/cache@')) return {};
    // A cache hit restores what an earlier install saved: the runtime, the build and its key.
    cacheRestores++;
    // One link per package inside a real folder: removing the folder never reaches the checkout's own packages.
    await mkdir(join(actionPath, 'node_modules'));
    for (const entry of await readdir(join(REPO_ROOT, 'node_modules'))) {
      if (!entry.startsWith('.')) await symlink(join(REPO_ROOT, 'node_modules', entry), join(actionPath, 'node_modules', entry));
    }
    await cp(join(REPO_ROOT, 'dist'), join(actionPath, 'dist'), { recursive: true });
    await writeFile(join(actionPath, 'dist/.mapsync-action-key'), `${context.steps.state!.outputs.key}\n`);
    return { 'cache-hit': 'true' };
  },
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mapsync-action-'));
  actionPath = join(root, '_actions/acme/mapsync/v0.1.0');
  workspace = join(root, 'work/org-mappings');
  await checkoutAction(actionPath);
  await orgRepository(workspace);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function marks(): Promise<string[]> {
  return (await readdir(workspace)).filter((f) => MARKS.includes(f));
}

describe('the mapsync action (action.yml run steps)', () => {
  it('restores the cached install, then runs its own mapsync on the caller\'s mappings', async () => {
    const run = await runAction(options({ command: 'plan', args: '--detailed-exitcode' }));
    expect(run.stderr).not.toContain('error');
    expect(run.stdout).toContain('+ add  0055e000001AbCdAAK <-> 42  Ada Lovelace  (mappings/example.yaml:11)');
    expect(run.stdout).toContain('Plan: 1 to add, 0 to remove, 0 unchanged.');
    // --detailed-exitcode: 2 means changes; the action fails the step and says so in its output.
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.failed).toBe(true);
    expect(cacheRestores).toBe(1);
    const byName = Object.fromEntries(run.steps.map((s) => [s.name, s]));
    expect(byName['Set up Node.js 24']?.uses).toMatch(/^actions\/setup-node@[0-9a-f]{40}$/);
    expect(byName['Restore the mapsync install']?.skippedBecause).toBe('uses: stood in for by the caller');
    expect(byName['Install mapsync from the action\'s own lockfile']?.ran).toBe(false);
    expect(byName['Run mapsync']).toMatchObject({ ran: true, code: 2 });
    expect(await marks()).toEqual([]);
  });

  it('a second mapsync step in the same job finds the install ready: no cache restore, no install', async () => {
    const run = await runAction(options({ command: 'validate', args: '--format github' }));
    expect(run.failed).toBe(false);
    expect(run.stderr).toContain('mapsync validate: valid: 1 file(s)');
    expect(cacheRestores).toBe(1);
    expect(run.steps.find((s) => s.name === 'Restore the mapsync install')?.skippedBecause).toMatch(/^if: /);
    expect(await marks()).toEqual([]);
  });

  it('writes what the command prints to `output`, relative to working-directory', async () => {
    const plan = await runAction(options({ command: 'plan', args: '--out mapsync-plan.json' }));
    expect(plan.failed).toBe(false);
    const show = await runAction(options({ command: 'show', args: 'mapsync-plan.json --format checklist', output: 'mapsync-checklist.txt' }));
    expect(show.failed).toBe(false);
    expect(await readFile(join(workspace, 'mapsync-checklist.txt'), 'utf8')).toContain('0055e000001AbCdAAK');
    expect(await marks()).toEqual([]);
  });

  it('passes inputs as data: shell syntax and globs in args reach mapsync as words, never run', async () => {
    const run = await runAction(options({ command: 'validate', args: '--dir $(touch${IFS}injected) `touch injected` *' }));
    expect(run.failed).toBe(true);
    expect(run.stderr).toMatch(/error: too many arguments|unknown|does not exist|cannot/);
    expect(existsSync(join(workspace, 'injected'))).toBe(false);
    const bad = await runAction(options({ command: 'plan; touch injected' }));
    expect(bad.failed).toBe(true);
    expect(bad.stdout).toContain('the command input must be one mapsync command');
    expect(await marks()).toEqual([]);
  });

  it('the traps are live: running the caller\'s own mapsync leaves a mark', async () => {
    const { spawnSync } = await import('node:child_process');
    spawnSync('mapsync', ['plan'], { cwd: workspace, env: { PATH: `${join(workspace, 'node_modules/.bin')}:${process.env.PATH}` } });
    spawnSync(process.execPath, ['-e', 'require("commander")'], { cwd: workspace });
    expect((await marks()).sort()).toEqual(['ran-caller-bin', 'ran-caller-commander']);
    for (const mark of await marks()) await rm(join(workspace, mark));
  });

  it('the runner reads the conditions action.yml uses', () => {
    const context = { inputs: {}, steps: { state: { outputs: { installed: 'false' }, outcome: 'success' }, cache: { outputs: { 'cache-hit': 'true' }, outcome: 'success' } }, github: {}, runner: {} };
    expect(evaluate("steps.state.outputs.installed != 'true' && steps.cache.outputs.cache-hit != 'true'", context)).toBe(false);
    expect(evaluate("steps.state.outputs.installed != 'true'", context)).toBe(true);
  });
});
