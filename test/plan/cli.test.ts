// plan and drift as admins and CI run them: the compiled CLI as a process, against a seeded file store.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { crmId } from './fixtures.js';
import { directoriesFor, project, storeOf, yamlOf, type Person } from './project.js';

const ada: Person = { crm: 1, outreach: 42, name: 'Ada Lovelace' };
const grace: Person = { crm: 2, outreach: 57, name: 'Grace Hopper' };
const alan: Person = { crm: 3, outreach: 108, name: 'Alan Turing' };
const everyone = [ada, grace, alan];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setUp(files: Record<string, string>) {
  const p = await project(files);
  cleanups.push(p.cleanup);
  return p.dir;
}

describe('mapsync plan', () => {
  it('shows every mapping as an add against an empty store; --detailed-exitcode exits 2', async () => {
    const dir = await setUp({ 'mappings/amer.yaml': yamlOf([ada, grace]) });
    const plain = await runCli(['plan'], { cwd: dir });
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`+ add  ${crmId(1)} <-> 42  Ada Lovelace  (mappings/amer.yaml:3)`);
    expect(plain.stdout).toContain('Plan: 2 to add, 0 to remove, 0 unchanged.');
    const detailed = await runCli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(detailed.code).toBe(2);
    expect(existsSync(join(dir, '.mapsync/live.json'))).toBe(false);
  });

  it('says "No changes" and exits 0 even with --detailed-exitcode when live matches', async () => {
    const dir = await setUp({
      'mappings/amer.yaml': yamlOf([ada, grace]),
      '.mapsync/live.json': storeOf({ mappings: [[2, 57], [1, 42]], ...directoriesFor(everyone) }),
    });
    const result = await runCli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('No changes. Live mappings match mappings/ (2 mappings).\n');
  });

  it('shows a re-pointed seat as a replace and never writes the store', async () => {
    const live = storeOf({ mappings: [[1, 41], [2, 57]], crmUsers: directoriesFor(everyone).crmUsers, outreachUsers: [...directoriesFor(everyone).outreachUsers!, { id: 41, name: 'Ada Lovelace' }] });
    const dir = await setUp({ 'mappings/amer.yaml': yamlOf([ada, grace]), '.mapsync/live.json': live });
    const result = await runCli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`~ replace  ${crmId(1)} <-> 41 => 42  Ada Lovelace  (mappings/amer.yaml:3)`);
    expect(result.stdout).toContain('Plan: 0 to add, 0 to remove, 1 to replace, 1 unchanged.');
    expect(await readFile(join(dir, '.mapsync/live.json'), 'utf8')).toBe(live);
  });

  it('--out saves exactly the JSON plan, and --format json prints the same', async () => {
    const dir = await setUp({
      'mappings/amer.yaml': yamlOf([ada, alan]),
      '.mapsync/live.json': storeOf({ mappings: [[1, 42], [2, 57]], ...directoriesFor(everyone) }),
      // --out creates no folders (CONTRACT §3): the folder is there already.
      'plans/.keep': '',
    });
    const saved = await runCli(['plan', '--out', 'plans/next.json'], { cwd: dir });
    expect(saved.code).toBe(0);
    expect(saved.stderr).toContain('plans/next.json');
    const file = await readFile(join(dir, 'plans/next.json'), 'utf8');
    const json = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(json.code).toBe(0);
    expect(json.stdout).toBe(file);
    const plan = JSON.parse(file);
    expect(plan).toMatchObject({
      formatVersion: 1,
      store: 'file:.mapsync/live.json',
      summary: { add: 1, remove: 1, unchanged: 1 },
      changes: [
        { action: 'remove', crmUserId: crmId(2), outreachUserId: 57, crmUserName: 'Grace Hopper', outreachUserName: 'Grace Hopper' },
        { action: 'add', crmUserId: crmId(3), outreachUserId: 108, name: 'Alan Turing', file: 'mappings/amer.yaml', line: 6 },
      ],
      warnings: [],
    });
    expect(plan).not.toHaveProperty('errors');
    expect(plan.liveFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('exits 1 naming file:line for users the directories do not know, and saves no plan', async () => {
    const stranger: Person = { crm: 9, outreach: 999, name: 'Nobody Known' };
    const dir = await setUp({
      'mappings/amer.yaml': yamlOf([ada, stranger]),
      '.mapsync/live.json': storeOf({ mappings: [], ...directoriesFor([ada]) }),
    });
    const result = await runCli(['plan', '--out', 'plan.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`mappings/amer.yaml:6:5: error: CRM user ${crmId(9)} (Nobody Known) is not in .mapsync/live.json [unknown-crm-user]`);
    expect(result.stdout).toContain('[unknown-outreach-user]');
    expect(result.stderr).toContain('error: the plan has 2 errors');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'plan.json'))).toBe(false);
    const json = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).errors).toEqual([
      { code: 'unknown-crm-user', message: `CRM user ${crmId(9)} (Nobody Known) is not in .mapsync/live.json`, file: 'mappings/amer.yaml', line: 6, column: 5 },
      { code: 'unknown-outreach-user', message: 'Outreach user 999 (Nobody Known) is not in .mapsync/live.json', file: 'mappings/amer.yaml', line: 6, column: 5 },
    ]);
    expect(json.stderr).toContain('mappings/amer.yaml:6:5: error:');
  });

  it('in GitHub Actions, also annotates the YAML line of each unknown user (stderr; stdout stays JSON)', async () => {
    const dir = await setUp({
      'mappings/amer.yaml': yamlOf([ada, { crm: 9, outreach: 42_000, name: 'Nobody Known' }]),
      '.mapsync/live.json': storeOf({ mappings: [], ...directoriesFor([ada]) }),
    });
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir, env: { GITHUB_ACTIONS: 'true' } });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).errors).toHaveLength(2);
    expect(result.stderr).toContain(`::error file=mappings/amer.yaml,line=6,col=5,title=unknown-crm-user::CRM user ${crmId(9)} (Nobody Known) is not in .mapsync/live.json\n`);
    expect(result.stderr).toContain('::error file=mappings/amer.yaml,line=6,col=5,title=unknown-outreach-user::Outreach user 42000');
    const local = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(local.stderr).not.toContain('::error');
  });

  it('warns about a repurposed seat (name-mismatch), an inactive CRM user and a locked Outreach user', async () => {
    const dir = await setUp({
      'mappings/amer.yaml': yamlOf([ada, grace, alan]),
      '.mapsync/live.json': storeOf({
        mappings: [],
        crmUsers: [{ n: 1, name: 'Ada Lovelace' }, { n: 2, name: 'Grace Hopper', active: false }, { n: 3, name: 'Alan Turing' }],
        outreachUsers: [{ id: 42, name: 'Charles Babbage' }, { id: 57, name: 'Grace Hopper' }, { id: 108, name: 'Alan Turing', locked: true }],
      }),
    });
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(0);
    const warnings = JSON.parse(result.stdout).warnings;
    expect(warnings.map((w: { code: string }) => w.code)).toEqual(['crm-user-inactive', 'name-mismatch', 'outreach-user-locked']);
    expect(warnings.find((w: { code: string }) => w.code === 'name-mismatch').message).toContain('"Charles Babbage"');
    const text = await runCli(['plan'], { cwd: dir });
    expect(text.stdout).toContain('! name-mismatch: CRM user');
  });

  it('carries the unsafe-removals warning with the numbers, and still exits 0', async () => {
    const many: Person[] = Array.from({ length: 10 }, (_, i) => ({ crm: 100 + i, outreach: 1000 + i, name: `Rep ${i}` }));
    const dir = await setUp({
      'mappings/team.yaml': yamlOf(many.slice(0, 6)),
      '.mapsync/live.json': storeOf({ mappings: many.map((p) => [p.crm, p.outreach]), ...directoriesFor(many) }),
    });
    const result = await runCli(['plan'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('! unsafe-removals: Too many removals: 40.0% is over 25.0% (4 of 10); apply needs --force');
    const relaxed = await setUp({
      'mapsync.config.yaml': 'safety:\n  maxRemovalFraction: 0.5\n',
      'mappings/team.yaml': yamlOf(many.slice(0, 6)),
      '.mapsync/live.json': storeOf({ mappings: many.map((p) => [p.crm, p.outreach]), ...directoriesFor(many) }),
    });
    expect((await runCli(['plan'], { cwd: relaxed })).stdout).not.toContain('unsafe-removals');
  });

  it('refuses to plan invalid files: exit 1, each error with file:line:column, pointing at validate', async () => {
    const dir = await setUp({ 'mappings/bad.yaml': 'mappings:\n  - crmUserId: 0055e000001AbCdAAK\n    outreachUserId: 42\n    nmae: typo\n' });
    const result = await runCli(['plan'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/mappings\/bad\.yaml:4:5/);
    expect(result.stderr).toContain('mapsync validate');
  });

  it('takes --dir and --store', async () => {
    const dir = await setUp({
      'desired/x.yaml': yamlOf([grace]),
      'elsewhere.json': storeOf({ mappings: [[2, 57]], ...directoriesFor(everyone) }),
    });
    const result = await runCli(['plan', '--dir', 'desired', '--store', 'file:elsewhere.json', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ store: 'file:elsewhere.json', summary: { add: 0, remove: 0, unchanged: 1 } });
  });

  it('renders Markdown and always appends it to the job summary', async () => {
    const dir = await setUp({ 'mappings/amer.yaml': yamlOf([ada]), 'summary.md': '' });
    const summary = join(dir, 'summary.md');
    const result = await runCli(['plan', '--format', 'markdown'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`| \`${crmId(1)}\` (YAML name: Ada Lovelace) | \`42\` | ➕ add | \`mappings/amer.yaml:3\` |`);
    expect(result.stdout).toContain('**Plan: 1 to add, 0 to remove, 0 unchanged.**');
    expect(await readFile(summary, 'utf8')).toContain(`\`${crmId(1)}\``);
  });
});

describe('mapsync drift', () => {
  it('exits 0 when in sync, 2 on drift, and phrases the report as drift', async () => {
    const inSync = await setUp({
      'mappings/amer.yaml': yamlOf([ada]),
      '.mapsync/live.json': storeOf({ mappings: [[1, 42]], ...directoriesFor(everyone) }),
    });
    const ok = await runCli(['drift'], { cwd: inSync });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('No drift. Live mappings match mappings/ (1 mapping).');

    const drifted = await setUp({
      'mappings/amer.yaml': yamlOf([ada]),
      '.mapsync/live.json': storeOf({ mappings: [[1, 42], [3, 108]], ...directoriesFor(everyone) }),
    });
    const text = await runCli(['drift'], { cwd: drifted });
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('differ from mappings/');
    expect(text.stdout).toContain(`- live only  ${crmId(3)} <-> 108`);
    expect(text.stdout).toContain('Drift: 0 mappings in mappings/ missing from live, 1 live mapping not in mappings/, 1 in sync.');

    const json = await runCli(['drift', '--format', 'json'], { cwd: drifted });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).changes).toEqual([
      { action: 'remove', crmUserId: crmId(3), outreachUserId: 108, crmUserName: 'Alan Turing', outreachUserName: 'Alan Turing' },
    ]);

    const md = await runCli(['drift', '--format', 'markdown'], { cwd: drifted });
    expect(md.code).toBe(2);
    expect(md.stdout).toContain('### Mapping drift');
    expect(md.stdout).toContain(`| Alan Turing \`${crmId(3)}\` | Alan Turing \`108\` | ➖ live only |  |`);
  });

  it('exits 1 on errors', async () => {
    const dir = await setUp({
      'mappings/amer.yaml': yamlOf([ada]),
      '.mapsync/live.json': storeOf({ mappings: [], crmUsers: [], outreachUsers: [] }),
    });
    const result = await runCli(['drift'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('mappings/amer.yaml:3:5');
  });
});
