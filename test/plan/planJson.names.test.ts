// The JSON plan names both users of every change and counts replaces (CONTRACT §8), while
// `summary.add`/`remove` stay the counts of `changes` so the removal guard sees every removal.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { crmId } from './fixtures.js';
import { project, storeOf, yamlOf, type Person } from './project.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setUp(files: Record<string, string>) {
  const p = await project(files);
  cleanups.push(p.cleanup);
  return p.dir;
}

// Live: 1<->41, 2<->57, 3<->108, 4<->200. Desired: 1<->42 (new seat for CRM user 1),
// 5<->57 (seat 57 handed to CRM user 5), 3<->108 kept, 6<->300 new; 4<->200 dropped.
const desired: Person[] = [
  { crm: 1, outreach: 42, name: 'Ada Lovelace' },
  { crm: 3, outreach: 108, name: 'Alan Turing' },
  { crm: 5, outreach: 57, name: 'Katherine Johnson' },
  { crm: 6, outreach: 300, name: 'Margaret H.' },
];
const directories = {
  crmUsers: [
    { n: 1, name: 'Ada Lovelace' }, { n: 2, name: 'Grace Hopper' }, { n: 3, name: 'Alan Turing' },
    { n: 4, name: 'Edsger Dijkstra' }, { n: 5, name: 'Katherine Johnson' }, { n: 6, name: 'Margaret Hamilton' },
  ],
  outreachUsers: [
    { id: 41, name: 'Ada Lovelace' }, { id: 42, name: 'Ada L.' }, { id: 57, name: 'Grace Hopper' },
    { id: 108, name: 'Alan Turing' }, { id: 200, name: 'Edsger Dijkstra' }, { id: 300, name: 'Margaret Hamilton' },
  ],
};

describe('plan --format json: names and replaces', () => {
  it('names both users of each add from the directories, keeps the YAML name as the claim, and counts replaces', async () => {
    const dir = await setUp({
      'mappings/team.yaml': yamlOf(desired),
      '.mapsync/live.json': storeOf({ mappings: [[1, 41], [2, 57], [3, 108], [4, 200]], ...directories }),
    });
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    // 3 removes and 3 adds, of which two pairs are replaces.
    expect(plan.summary).toEqual({ add: 3, remove: 3, replace: 2, unchanged: 1 });
    expect(Object.keys(plan.summary)).toEqual(['add', 'remove', 'replace', 'unchanged']);
    const adds = plan.changes.filter((c: { action: string }) => c.action === 'add');
    expect(adds).toEqual([
      { action: 'add', crmUserId: crmId(1), outreachUserId: 42, crmUserName: 'Ada Lovelace', outreachUserName: 'Ada L.', name: 'Ada Lovelace', file: 'mappings/team.yaml', line: 3 },
      { action: 'add', crmUserId: crmId(5), outreachUserId: 57, crmUserName: 'Katherine Johnson', outreachUserName: 'Grace Hopper', name: 'Katherine Johnson', file: 'mappings/team.yaml', line: 9 },
      { action: 'add', crmUserId: crmId(6), outreachUserId: 300, crmUserName: 'Margaret Hamilton', outreachUserName: 'Margaret Hamilton', name: 'Margaret H.', file: 'mappings/team.yaml', line: 12 },
    ]);
    // Key order is fixed: the same plan always serialises to the same bytes.
    expect(Object.keys(adds[0])).toEqual(['action', 'crmUserId', 'outreachUserId', 'crmUserName', 'outreachUserName', 'name', 'file', 'line']);
    expect(plan.changes.filter((c: { action: string }) => c.action === 'remove')).toHaveLength(3);
  });

  it('without directories, an add takes the names the live store gives the users it already maps', async () => {
    const dir = await setUp({
      'mappings/team.yaml': yamlOf([{ crm: 1, outreach: 42, name: 'Ada Lovelace' }]),
      '.mapsync/live.json': JSON.stringify({ mappings: [{ crmUserId: crmId(1), outreachUserId: 41, crmUserName: 'Ada King', outreachUserName: 'Ada (old seat)' }] }),
    });
    const plan = JSON.parse((await runCli(['plan', '--format', 'json'], { cwd: dir })).stdout);
    expect(plan.summary).toEqual({ add: 1, remove: 1, replace: 1, unchanged: 0 });
    expect(plan.changes[1]).toEqual({ action: 'add', crmUserId: crmId(1), outreachUserId: 42, crmUserName: 'Ada King', name: 'Ada Lovelace', file: 'mappings/team.yaml', line: 3 });
  });

  it('applies a plan saved before summary.replace and the add names existed', async () => {
    const dir = await setUp({
      'mappings/team.yaml': yamlOf([{ crm: 1, outreach: 42, name: 'Ada Lovelace' }]),
      '.mapsync/live.json': storeOf({ mappings: [[1, 41]] }),
    });
    expect((await runCli(['plan', '--out', 'plan.json'], { cwd: dir })).code).toBe(0);
    const saved = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8'));
    expect(saved.summary.replace).toBe(1);
    // What an older mapsync wrote: no replace count, adds without the directories' names.
    delete saved.summary.replace;
    for (const c of saved.changes) { delete c.crmUserName; delete c.outreachUserName; }
    await writeFile(join(dir, 'old-plan.json'), JSON.stringify(saved, null, 2));
    const applied = await runCli(['apply', 'old-plan.json'], { cwd: dir });
    expect(applied.stderr).not.toContain('not a usable mapsync plan');
    expect(applied.code).toBe(0);
    const live = JSON.parse(await readFile(join(dir, '.mapsync/live.json'), 'utf8'));
    expect(live.mappings.map((m: { outreachUserId: number }) => m.outreachUserId)).toEqual([42]);
  });
});
