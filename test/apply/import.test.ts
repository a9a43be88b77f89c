// import through the real CLI: the live mappings as YAML that validates, is already formatted,
// and makes `plan` show no changes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { crmId, liveStore, STORE } from './seed.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A project whose mappings/ folder exists, as in every repository (--out creates no folders). */
async function project(files: Record<string, string>) {
  const p = await makeProject({ 'mappings/.keep': '', ...files });
  cleanups.push(p.cleanup);
  return p.dir;
}

// Names chosen to trip YAML up (numbers, booleans, colons) and to test fmt's order.
const people = [
  { i: 1, name: 'zoë Ng' },
  { i: 2, name: 'Ada Lovelace' },
  { i: 3, name: '123' },
  { i: 4, name: 'Smith: John' },
  { i: 5, name: 'true' },
  { i: 6, name: '' }, // nobody knows this one's name
  { i: 7, name: 'ada lovelace' },
];

function orgStore(): string {
  return JSON.stringify({
    mappings: people.map((p) => ({
      // The store may hold a 15-character ID; import writes the canonical 18-character form.
      crmUserId: p.i === 2 ? crmId(p.i).slice(0, 15) : crmId(p.i),
      outreachUserId: 100 + p.i,
      // Names only in the directories for some entries.
      ...(p.i % 2 === 0 && p.name ? { crmUserName: p.name, outreachUserName: p.name } : {}),
    })),
    crmUsers: people.map((p) => ({ id: crmId(p.i), ...(p.name ? { name: p.name } : {}), active: true })),
    outreachUsers: people.map((p) => ({ id: 100 + p.i, ...(p.name ? { name: p.name } : {}), locked: false })),
  });
}

describe('import', () => {
  it('round-trips: the written YAML validates, is already formatted, and plan shows no changes', async () => {
    const dir = await project({ [STORE]: orgStore() });
    const r = await runCli(['import', '--out', 'mappings/imported.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Wrote 7 mappings from file:.mapsync/live.json to mappings/imported.yaml.');
    const text = await readFile(join(dir, 'mappings/imported.yaml'), 'utf8');
    expect(text.startsWith('# yaml-language-server: $schema=../schema/user-mappings.schema.json\nmappings:\n  - crmUserId: ')).toBe(true);
    for (const id of text.matchAll(/crmUserId: "?(\w+)"?/g)) expect(id[1]).toHaveLength(18);
    expect(text).toContain(`crmUserId: ${crmId(2)}\n`);
    // fmt's order: by name ignoring case (then as written), nameless last.
    const names = [...text.matchAll(/^ {4}name: (.*)$/gm)].map((m) => m[1]);
    expect(names).toEqual(['"123"', 'Ada Lovelace', 'ada lovelace', '"Smith: John"', '"true"', 'zoë Ng']);
    expect(text.trimEnd().split('\n').at(-2)).toBe(`  - crmUserId: ${crmId(6)}`);

    expect((await runCli(['validate'], { cwd: dir })).code).toBe(0);
    const fmt = await runCli(['fmt', '--check'], { cwd: dir });
    expect(fmt.code, fmt.stdout).toBe(0);
    const plan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes.');
  });

  it('prints to stdout by default, and never overwrites a file without --force', async () => {
    const dir = await project({ [STORE]: liveStore([{ crm: 1, outreach: 1, name: 'Ada' }]), 'mappings/team.yaml': 'mappings: []\n' });
    const out = await runCli(['import'], { cwd: dir });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`# yaml-language-server: $schema=../schema/user-mappings.schema.json\nmappings:\n  - crmUserId: ${crmId(1)}\n    outreachUserId: 1\n    name: Ada\n`);

    const refused = await runCli(['import', '--out', 'mappings/team.yaml'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: mappings/team.yaml already exists; not overwriting it');
    expect(await readFile(join(dir, 'mappings/team.yaml'), 'utf8')).toBe('mappings: []\n');

    const forced = await runCli(['import', '--out', 'mappings/team.yaml', '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(await readFile(join(dir, 'mappings/team.yaml'), 'utf8')).toBe(out.stdout);
  });

  it('points the modeline at the schema from a nested --out folder', async () => {
    // --out creates no folders (CONTRACT §3): the folder is there already.
    const dir = await project({ [STORE]: liveStore([{ crm: 1, outreach: 1 }]), 'mappings/emea/.keep': '' });
    const r = await runCli(['import', '--out', 'mappings/emea/sales.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const text = await readFile(join(dir, 'mappings/emea/sales.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/user-mappings.schema.json');
    expect(text).not.toContain('name:');
    expect((await runCli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);
  });

  it('refuses (exit 1, nothing written) a live store that maps users twice, naming each pair it cannot express', async () => {
    const dir = await project({
      [STORE]: liveStore([
        { crm: 1, outreach: 1, name: 'Ada' },
        { crm: 2, outreach: 2, name: 'Bob' },
        { crm: 2, outreach: 3, name: 'Bob' },
        { crm: 4, outreach: 4, name: 'Cy' },
        { crm: 5, outreach: 4, name: 'Di' },
      ]),
    });
    const r = await runCli(['import', '--out', 'mappings/all.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    const named = r.stderr.split('\n').filter((l) => l.startsWith('cannot express:'));
    expect(named).toHaveLength(4);
    expect(named[0]).toContain(`${crmId(2)} <-> 2: CRM user ${crmId(2)} is mapped 2 times in the live store`);
    expect(named[2]).toContain(`${crmId(4)} <-> 4: Outreach user 4 is mapped 2 times in the live store`);
    expect(r.stderr).toMatch(/^error: the live store maps 4 pairs that mapping files cannot express/m);
    await expect(readFile(join(dir, 'mappings/all.yaml'))).rejects.toThrow();
    const toStdout = await runCli(['import'], { cwd: dir });
    expect(toStdout.code).toBe(1);
    expect(toStdout.stdout).toBe('');
  });

  it('writes an empty list for an empty store, and that validates', async () => {
    const dir = await project({ [STORE]: liveStore([]) });
    const r = await runCli(['import', '--out', 'mappings/none.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(dir, 'mappings/none.yaml'), 'utf8')).toBe('# yaml-language-server: $schema=../schema/user-mappings.schema.json\nmappings: []\n');
    expect((await runCli(['validate'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);
  });

  it('fails with one clear line for a corrupted store and writes nothing', async () => {
    const dir = await project({ [STORE]: '{"mappings": [' });
    const r = await runCli(['import', '--out', 'mappings/x.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: \.mapsync\/live\.json:1:\d+: not valid JSON/m);
    await expect(readFile(join(dir, 'mappings/x.yaml'))).rejects.toThrow();
  });
});
