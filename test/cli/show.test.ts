// `mapsync show PLANFILE`: the real CLI renders a saved plan exactly as `plan` printed it, in
// every format, without contacting the store; a file that is not a plan is one clear line.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { liveStore, mappingYaml, STORE } from '../apply/seed.js';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

/** A project whose plan removes one mapping, re-points one seat and adds one. */
async function projectWithSavedPlan(): Promise<string> {
  const project = await makeProject({
    'mappings/team.yaml': mappingYaml([
      { crm: 1, outreach: 11, name: 'Ada Lovelace' },
      { crm: 2, outreach: 22, name: 'Grace Hopper' },
      { crm: 4, outreach: 44, name: 'Alan Turing' },
    ]),
    [STORE]: liveStore([
      { crm: 1, outreach: 11, name: 'Ada Lovelace' },
      { crm: 2, outreach: 20, name: 'Grace Hopper' },
      { crm: 3, outreach: 33, name: 'Bob Ng' },
    ]),
  });
  cleanups.push(project.cleanup);
  const saved = await runCli(['plan', '--out', 'plan.json'], { cwd: project.dir });
  expect(saved.code, saved.stderr).toBe(0);
  return project.dir;
}

describe('mapsync show PLANFILE', () => {
  it.each(['text', 'markdown', 'json'])('prints --format %s exactly as plan did, with the store gone', async (format) => {
    const dir = await projectWithSavedPlan();
    const planned = await runCli(['plan', '--format', format], { cwd: dir });
    expect(planned.code).toBe(0);
    // show reads the file only: with the live store deleted, plan would now see an empty store.
    await rm(join(dir, STORE));
    const shown = await runCli(['show', 'plan.json', '--format', format], { cwd: dir });
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(planned.stdout);
    expect(shown.stdout).toContain('Bob Ng');
    expect(existsSync(join(dir, STORE))).toBe(false);
  });

  it('defaults to text', async () => {
    const dir = await projectWithSavedPlan();
    const shown = await runCli(['show', 'plan.json'], { cwd: dir });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^mapsync will make these changes to file:\.mapsync\/live\.json/);
    expect(shown.stdout).toContain('Alan Turing');
  });

  it.each([
    ['missing', undefined, /^error: plan file nope\.json not found$/m],
    ['a folder', 'DIR', /^error: cannot read plan file nope\.json: it is a directory$/m],
    ['not JSON', '{"formatVersion": 1,\n  oops\n}', /^error: nope\.json:2:3: /m],
    ['JSON but not a plan', '{"mappings": []}', /^error: nope\.json: not a usable mapsync plan: no "formatVersion"/m],
    ['a future format', '{"formatVersion": 9}', /^error: nope\.json: plan formatVersion 9 is not supported/m],
  ])('gives one clear line for a file that is %s (exit 1)', async (_what, content, message) => {
    const project = await makeProject();
    cleanups.push(project.cleanup);
    if (content === 'DIR') await mkdir(join(project.dir, 'nope.json'));
    else if (content !== undefined) await writeFile(join(project.dir, 'nope.json'), content);
    const result = await runCli(['show', 'nope.json'], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2); // the error and its hint
  });

  it('keeps stdout one JSON document with --format json when the file is not a plan', async () => {
    const project = await makeProject({ 'nope.json': '{"formatVersion": 9}' });
    cleanups.push(project.cleanup);
    const result = await runCli(['show', 'nope.json', '--format', 'json'], { cwd: project.dir });
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout) as { errors: { message: string }[] };
    expect(doc.errors).toHaveLength(1);
    expect(doc.errors[0]!.message).toMatch(/^nope\.json: plan formatVersion 9 is not supported/);
    expect(result.stderr).toMatch(/^error: nope\.json: plan formatVersion 9/m);
  });

  it('needs a PLANFILE and rejects an unknown format', async () => {
    const project = await makeProject();
    cleanups.push(project.cleanup);
    const none = await runCli(['show'], { cwd: project.dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/missing required argument 'planfile'/);
    const bad = await runCli(['show', 'plan.json', '--format', 'html'], { cwd: project.dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/argument 'html' is invalid/);
  });
});
