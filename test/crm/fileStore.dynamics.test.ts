// The file store under `crm: dynamics`, through the real CLI: GUIDs in any accepted form in the
// store's mappings and crmUsers and in mappings/, plan and apply on the canonical GUID, a saved
// plan applied later, import writing canonical GUIDs that plan back to no changes, and restore
// from the snapshot apply wrote. The Salesforce store refuses to run under this setting.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const STORE = '.mapsync/live.json';
const CONFIG = 'crm: dynamics\n';
// Six systemuserids; the n-th is guid(n).
const guid = (n: number) => `${String(n).padStart(8, '0')}-4f89-11d3-9a0c-0305e82c3${String(n).padStart(3, '0')}`.replace(/^0/, 'a');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const people = [1, 2, 3, 4, 5, 6].map((n) => ({ n, id: guid(n), name: `Person ${n}`, outreach: 100 + n }));

function liveStore(): string {
  return JSON.stringify({
    // As another tool might have written them: upper case, braces, canonical.
    mappings: [
      { crmUserId: people[0]!.id.toUpperCase(), outreachUserId: 101 },
      { crmUserId: `{${people[1]!.id}}`, outreachUserId: 102 },
      { crmUserId: people[2]!.id, outreachUserId: 103 },
    ],
    crmUsers: people.map((p) => ({ id: p.n % 2 === 0 ? `{${p.id.toUpperCase()}}` : p.id, name: p.name, active: true })),
    outreachUsers: people.map((p) => ({ id: p.outreach, name: p.name, locked: false })),
  }, null, 2);
}

async function project(files: Record<string, string>) {
  const p = await makeProject({ 'mapsync.config.yaml': CONFIG, [STORE]: liveStore(), ...files });
  cleanups.push(p.cleanup);
  const run = (...args: string[]) => runCli(args, { cwd: p.dir });
  return { dir: p.dir, run };
}

// Keeps person 1 (written in braces, upper case), drops 2 and 3, adds 4 and 5 (5 upper case).
const DESIRED = [
  'mappings:',
  `  - crmUserId: "{${people[0]!.id.toUpperCase()}}"`,
  '    outreachUserId: 101',
  '    name: Person 1',
  `  - crmUserId: ${people[3]!.id}`,
  '    outreachUserId: 104',
  '    name: Person 4',
  `  - crmUserId: ${people[4]!.id.toUpperCase()}`,
  '    outreachUserId: 105',
  '    name: Person 5',
  '',
].join('\n');

describe('file store with Dynamics systemuserids', () => {
  it('plans on canonical GUIDs, applies, converges, and the saved plan and the store hold canonical GUIDs', async () => {
    const { dir, run } = await project({ 'mappings/team.yaml': DESIRED });
    const plan = await run('plan', '--format', 'json', '--out', 'plan.json');
    expect(plan.stderr).toBe('Saved the plan to plan.json; apply it with: npx mapsync apply plan.json\n');
    expect(plan.code).toBe(0);
    const json = JSON.parse(plan.stdout);
    const saved = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8'));
    for (const c of saved.changes) expect(c.crmUserId).toMatch(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
    expect(json.summary).toMatchObject({ add: 2, remove: 2, unchanged: 1 });
    expect(json.changes.map((c: { action: string; crmUserId: string; outreachUserId: number }) => [c.action, c.crmUserId, c.outreachUserId])).toEqual([
      ['remove', people[1]!.id, 102],
      ['remove', people[2]!.id, 103],
      ['add', people[3]!.id, 104],
      ['add', people[4]!.id, 105],
    ]);
    // Every user was found in the store's own directory, whatever form it was written in there.
    expect(json.errors ?? []).toEqual([]);
    expect(json.warnings).toEqual([]);

    const applied = await run('apply', 'plan.json');
    expect(applied.code, applied.stderr).toBe(0);
    const store = JSON.parse(await readFile(join(dir, STORE), 'utf8'));
    const ids = store.mappings.map((m: { crmUserId: string }) => m.crmUserId);
    // Untouched entries keep their text; the ones apply wrote are canonical.
    expect(ids).toContain(people[0]!.id.toUpperCase());
    expect(ids).toContain(people[3]!.id);
    expect(ids).toContain(people[4]!.id);
    expect(ids).toHaveLength(3);

    const again = await run('plan', '--detailed-exitcode');
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });

  it('import writes canonical GUIDs that validate and plan back to no changes', async () => {
    const { dir, run } = await project({ 'mappings/.keep': '' });
    const imported = await run('import', '--out', 'mappings/imported.yaml');
    expect(imported.code, imported.stderr).toBe(0);
    const text = await readFile(join(dir, 'mappings/imported.yaml'), 'utf8');
    const written = [...text.matchAll(/crmUserId: "?([^"\n]+)"?/g)].map((m) => m[1]);
    expect(written.sort()).toEqual([people[0]!.id, people[1]!.id, people[2]!.id].sort());
    expect(text).toContain('name: Person 2');
    expect((await run('validate')).code).toBe(0);
    const plan = await run('plan', '--detailed-exitcode');
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  });

  it('restores the snapshot an apply wrote (GUIDs read back with the same rules)', async () => {
    const { dir, run } = await project({ 'mappings/team.yaml': DESIRED });
    expect((await run('apply', '--auto-approve')).code).toBe(0);
    const snapshots = await readdir(join(dir, '.mapsync/snapshots'));
    expect(snapshots).toHaveLength(1);
    const restored = await run('restore', join('.mapsync/snapshots', snapshots[0]!), '--auto-approve');
    expect(restored.code, restored.stdout + restored.stderr).toBe(0);
    const store = JSON.parse(await readFile(join(dir, STORE), 'utf8'));
    expect(store.mappings.map((m: { outreachUserId: number }) => m.outreachUserId).sort()).toEqual([101, 102, 103]);
  });

  it('a Salesforce ID in the store is a clear one-line error, and the store is left untouched', async () => {
    const { dir, run } = await project({ 'mappings/team.yaml': 'mappings: []\n' });
    const bad = JSON.stringify({ mappings: [{ crmUserId: '0055e000001AbCdAAK', outreachUserId: 1 }] });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, STORE), bad);
    const plan = await run('plan');
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/^error: \.mapsync\/live\.json: mappings\[0\]\.crmUserId: "0055e000001AbCdAAK" looks like a Salesforce User ID, but this project's CRM is Dynamics 365/);
    expect(plan.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(join(dir, STORE), 'utf8')).toBe(bad);
  });

  it('the salesforce store refuses to run under crm: dynamics, before any connection', async () => {
    const { run } = await project({ 'mappings/team.yaml': DESIRED });
    const plan = await run('plan', '--store', 'salesforce');
    expect(plan.code).toBe(1);
    expect(plan.stderr).toBe(
      'error: the salesforce store keeps mappings on Salesforce Users, but this project\'s CRM is "dynamics" (crm in mapsync.config.yaml)\n'
      + 'hint: use a store for your CRM (e.g. store: dynamics, or outreach), or set "crm: salesforce" in mapsync.config.yaml if your CRM is Salesforce\n',
    );
  });
});
