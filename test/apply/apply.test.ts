// apply through the real CLI over a file store: refusals (stale, unsafe, other store, errors,
// no terminal), journal and snapshot contents, partial failure and the convergent re-run.
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { crmId, liveStore, livePairs, mappingYaml, pairStrings, pairs, STORE, type Pair } from './seed.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project(desired: readonly Pair[], live: readonly Pair[] | undefined, extra: Record<string, string> = {}) {
  const files: Record<string, string> = { 'mappings/team.yaml': mappingYaml(desired), ...extra };
  if (live) files[STORE] = liveStore(live);
  const p = await makeProject(files);
  cleanups.push(p.cleanup);
  return p.dir;
}

async function savePlan(dir: string, file = 'plan.json'): Promise<Record<string, any>> {
  const r = await runCli(['plan', '--out', file], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(await readFile(join(dir, file), 'utf8'));
}

const storeText = (dir: string) => readFile(join(dir, STORE), 'utf8');

describe('apply PLANFILE', () => {
  it('applies a saved plan: removes, then adds', async () => {
    const dir = await project([...pairs(2, 2), { crm: 9, outreach: 1, name: 'New Owner' }], pairs(3));
    const plan = await savePlan(dir);
    expect(plan.summary).toEqual({ add: 1, remove: 1, replace: 1, unchanged: 2 });
    const r = await runCli(['apply', 'plan.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Apply complete: 1 added, 1 removed.');
    expect(await livePairs(dir)).toEqual(pairStrings([...pairs(2, 2), { crm: 9, outreach: 1 }]));
    const again = await runCli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(again.code).toBe(0);
  });

  it('refuses a stale plan and changes nothing', async () => {
    const dir = await project(pairs(3), pairs(2));
    await savePlan(dir);
    // Someone changes the live store after the plan was made.
    await writeFile(join(dir, STORE), liveStore([...pairs(2), { crm: 50, outreach: 50 }]));
    const before = await storeText(dir);
    const summaryFile = join(dir, 'summary.md');
    const r = await runCli(['apply', 'plan.json'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summaryFile } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the live store changed since this plan was made; run plan again');
    expect(await storeText(dir)).toBe(before);
    expect(await readFile(summaryFile, 'utf8')).toContain('Not applied: the live store changed since this plan was made');
    expect(existsSync(join(dir, '.mapsync/snapshots'))).toBe(false);
    expect(existsSync(join(dir, '.mapsync/journal.jsonl'))).toBe(false);
  });

  it('does not call a plan stale when only names changed in the store', async () => {
    const dir = await project(pairs(3), pairs(2));
    await savePlan(dir);
    await writeFile(join(dir, STORE), liveStore(pairs(2).map((p) => ({ ...p, name: `Renamed ${p.crm}` }))));
    const r = await runCli(['apply', 'plan.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await livePairs(dir)).toEqual(pairStrings(pairs(3)));
  });

  it('refuses a plan made for another store', async () => {
    const dir = await project(pairs(1), [], { 'other.json': liveStore([]) });
    await savePlan(dir);
    const r = await runCli(['apply', 'plan.json', '--store', 'file:other.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the plan was made for store "file:.mapsync/live.json", not "file:other.json"');
    expect(JSON.parse(await readFile(join(dir, 'other.json'), 'utf8')).mappings).toEqual([]);
  });

  it('refuses a plan that carries errors', async () => {
    const dir = await project(pairs(1), []);
    const plan = await savePlan(dir);
    plan.errors = [{ code: 'unknown-crm-user', message: 'CRM user … is not in Salesforce', file: 'mappings/team.yaml', line: 2, column: 5 }];
    await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
    const r = await runCli(['apply', 'plan.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the plan has 1 error and cannot be applied');
    expect(JSON.parse(await storeText(dir)).mappings).toEqual([]);
  });

  it.each([
    ['missing', undefined, /^error: plan file nope\.json not found$/m],
    ['not JSON', '{\n  "formatVersion": 1,\n  oops\n}', /^error: nope\.json:3:3: not valid JSON/m],
    ['from a newer mapsync', JSON.stringify({ formatVersion: 2, changes: [] }), /^error: nope\.json: plan formatVersion 2 is not supported/m],
    ['not a plan at all', JSON.stringify({ mappings: [] }), /^error: nope\.json: not a usable mapsync plan: no "formatVersion"/m],
    ['with a damaged change', JSON.stringify({ formatVersion: 1, store: 'file:.mapsync/live.json', liveFingerprint: 'sha256:0', desiredFingerprint: 'sha256:0', summary: { add: 1, remove: 0, unchanged: 0 }, changes: [{ action: 'add', crmUserId: '005x', outreachUserId: 1 }], warnings: [] }), /changes\[0\]\.crmUserId is not a canonical 18-character/],
  ])('gives one clear line for a plan file that is %s', async (_what, content, message) => {
    const dir = await project(pairs(1), [], content === undefined ? {} : { 'nope.json': content });
    const before = await storeText(dir);
    const r = await runCli(['apply', 'nope.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await storeText(dir)).toBe(before);
  });
});

describe('removal guard at apply time', () => {
  it('refuses a plan that removes more than 25% of at least 10 mappings, and applies it with --force', async () => {
    const dir = await project(pairs(7), pairs(10));
    const plan = await savePlan(dir);
    expect(plan.warnings.map((w: { code: string }) => w.code)).toContain('unsafe-removals');
    const before = await storeText(dir);
    const refused = await runCli(['apply', 'plan.json'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: refusing an unsafe plan: .*30\.0%.*25\.0%.*3 of 10/m);
    expect(refused.stderr).toContain('--force');
    expect(await storeText(dir)).toBe(before);

    const fresh = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(fresh.code).toBe(1);
    expect(fresh.stderr).toContain('refusing an unsafe plan');
    expect(await storeText(dir)).toBe(before);

    const forced = await runCli(['apply', 'plan.json', '--force'], { cwd: dir });
    expect(forced.code, forced.stderr).toBe(0);
    expect(await livePairs(dir)).toEqual(pairStrings(pairs(7)));
  });

  it('applies removals at or under the limit without --force', async () => {
    const dir = await project(pairs(9, 4), pairs(12)); // removes 3 of 12 = exactly 25%
    const r = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await livePairs(dir)).toEqual(pairStrings(pairs(9, 4)));
  });

  it('does not guard a store below the minimum size', async () => {
    const dir = await project([], pairs(9)); // removes everything, but only 9 < minExisting 10
    const r = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await livePairs(dir)).toEqual([]);
  });

  it('uses the safety settings from mapsync.config.yaml', async () => {
    const dir = await project(pairs(9), pairs(10), { 'mapsync.config.yaml': 'safety:\n  minExisting: 2\n  maxRemovalFraction: 0.05\n' });
    const r = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing an unsafe plan: .*10\.0%.*5\.0%/);
  });
});

describe('apply without a plan file', () => {
  it('refuses without --auto-approve when there is no terminal, and changes nothing', async () => {
    const dir = await project(pairs(2), undefined);
    const r = await runCli(['apply'], { cwd: dir, input: 'yes\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Plan: 2 to add');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(r.stderr).toContain('--auto-approve');
    expect(existsSync(join(dir, STORE))).toBe(false);
  });

  it('exits 0 without a snapshot when there is nothing to change', async () => {
    const dir = await project(pairs(2), pairs(2));
    const r = await runCli(['apply'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No changes.');
    expect(existsSync(join(dir, '.mapsync/snapshots'))).toBe(false);
    expect(existsSync(join(dir, '.mapsync/journal.jsonl'))).toBe(false);
  });

  it('reads mappings from --dir', async () => {
    const p = await makeProject({ 'teams/emea.yaml': mappingYaml(pairs(1)) });
    cleanups.push(p.cleanup);
    const r = await runCli(['apply', '--dir', 'teams', '--auto-approve'], { cwd: p.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await livePairs(p.dir)).toEqual(pairStrings(pairs(1)));
  });
});

describe('snapshot, journal and job summary', () => {
  it('snapshots the live mappings first and journals every change with its outcome and provenance', async () => {
    const dir = await project([...pairs(1, 2), { crm: 3, outreach: 3, name: 'User 3' }], pairs(2));
    const plan = await savePlan(dir);
    const env = { GITHUB_SHA: 'a'.repeat(40), GITHUB_ACTOR: 'octocat', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
    await writeFile(env.GITHUB_STEP_SUMMARY, '');
    const r = await runCli(['apply', 'plan.json'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);

    const snapshots = await readdir(join(dir, '.mapsync/snapshots'));
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.json$/);
    const snapshotPath = `.mapsync/snapshots/${snapshots[0]}`;
    const snapshot = JSON.parse(await readFile(join(dir, snapshotPath), 'utf8'));
    expect(snapshot.mappings).toEqual([
      { crmUserId: crmId(1), outreachUserId: 1, crmUserName: 'User 1', outreachUserName: 'User 1' },
      { crmUserId: crmId(2), outreachUserId: 2, crmUserName: 'User 2', outreachUserName: 'User 2' },
    ]);
    // The snapshot is itself a file store: planning against it shows the way back.
    const back = await runCli(['plan', '--store', `file:${snapshotPath}`, '--format', 'json'], { cwd: dir });
    expect(JSON.parse(back.stdout).summary).toEqual({ add: 1, remove: 1, replace: 0, unchanged: 1 });

    const lines = (await readFile(join(dir, '.mapsync/journal.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event)).toEqual(['start', 'change', 'change', 'end']);
    for (const line of lines) {
      expect(line).toMatchObject({
        store: 'file:.mapsync/live.json',
        liveFingerprint: plan.liveFingerprint,
        desiredFingerprint: plan.desiredFingerprint,
        snapshot: snapshotPath,
        planFile: 'plan.json',
        commit: 'a'.repeat(40),
        actor: 'octocat',
      });
      expect(Date.parse(line.time)).not.toBeNaN();
    }
    expect(lines[1]).toMatchObject({ action: 'remove', crmUserId: crmId(1), outreachUserId: 1, crmUserName: 'User 1', ok: true });
    expect(lines[2]).toMatchObject({ action: 'add', crmUserId: crmId(3), outreachUserId: 3, name: 'User 3', file: 'mappings/team.yaml', ok: true });
    expect(lines[3]).toMatchObject({ made: 2, failed: 0 });
    expect(lines[3]).not.toHaveProperty('ok');
    expect(lines[3]).not.toHaveProperty('interrupted');

    const summary = await readFile(env.GITHUB_STEP_SUMMARY, 'utf8');
    expect(summary).toContain('mapsync apply');
    expect(summary).toContain('1 added, 1 removed');

    // A second apply appends to the same journal.
    await writeFile(join(dir, 'mappings/team.yaml'), mappingYaml(pairs(1, 2)));
    const second = await runCli(['apply', '--auto-approve'], { cwd: dir, env });
    expect(second.code, second.stderr).toBe(0);
    const after = (await readFile(join(dir, '.mapsync/journal.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(after).toHaveLength(7);
    expect(await readdir(join(dir, '.mapsync/snapshots'))).toHaveLength(2);
  });
});

describe('secrets', () => {
  it('never writes a credential from the environment into the journal', async () => {
    // A credential that happens to appear in what a store reports (here: a person's name).
    const dir = await project([{ crm: 1, outreach: 1, name: 'Secret Agent Name' }], []);
    const r = await runCli(['apply', '--auto-approve'], { cwd: dir, env: { GITHUB_TOKEN: 'Secret Agent Name' } });
    expect(r.code, r.stderr).toBe(0);
    const journal = await readFile(join(dir, '.mapsync/journal.jsonl'), 'utf8');
    expect(journal).not.toContain('Secret Agent Name');
    expect(journal).toContain('"name":"***"');
    expect(r.stdout + r.stderr).not.toContain('Secret Agent Name');
  });
});

describe('partial failure', () => {
  it('a saved plan with its removes dropped by hand is refused, and a fresh plan converges', async () => {
    // Outreach user 1 moves from CRM user 1 to CRM user 9; CRM user 3 is new.
    const desired = [{ crm: 9, outreach: 1, name: 'New Owner' }, { crm: 3, outreach: 3, name: 'User 3' }, { crm: 4, outreach: 1 + 3, name: 'User 4' }];
    const dir = await project(desired, [{ crm: 1, outreach: 1, name: 'Old Owner' }, { crm: 5, outreach: 4, name: 'Seat 4' }]);
    const plan = await savePlan(dir);
    expect(plan.changes.map((c: { action: string }) => c.action)).toEqual(['remove', 'remove', 'add', 'add', 'add']);
    // Drop the removes, as if they had been lost: the store must refuse the adds, not overwrite.
    plan.changes = plan.changes.filter((c: { action: string }) => c.action === 'add');
    plan.summary.remove = 0;
    await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));

    // A plan edited by hand is refused before any write (CONTRACT §3, saved plans are what was
    // reviewed); store-side refusals of single changes are covered by the fault suites.
    const r = await runCli(['apply', 'plan.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/edited after it was made — nothing was changed/);
    expect(await livePairs(dir)).toEqual(pairStrings([{ crm: 1, outreach: 1 }, { crm: 5, outreach: 4 }]));

    const rerun = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('Apply complete: 3 added, 2 removed.');
    expect(await livePairs(dir)).toEqual(pairStrings(desired));
    expect((await runCli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);
  });
});
