// `mapsync suggest` end to end: the real CLI over a file store whose crmUsers / outreachUsers
// hold every rule of CONTRACT §7 and every doubtful case (test/suggest/org.ts).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { id, otherYaml, storeJson, teamYaml } from './org.js';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

async function org(extra: Record<string, string> = {}) {
  const p = await makeProject({ 'mappings/team.yaml': teamYaml, 'mappings/emea/other.yaml': otherYaml, '.mapsync/live.json': storeJson(), ...extra });
  cleanups.push(p.cleanup);
  return p.dir;
}

interface Json {
  formatVersion: number;
  suggestions: { action: string; reason: string; crmUserId: string; outreachUserId: number; previousCrmUserId?: string; file?: string; line?: number }[];
  unresolved: { reason: string; crmUserId?: string; outreachUserId?: number; file?: string; line?: number }[];
}

async function suggestJson(dir: string): Promise<Json> {
  const r = await runCli(['suggest', '--format', 'json'], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Json;
}


describe('mapsync suggest', () => {
  it('proposes exactly the four rules and leaves every doubtful case unresolved', async () => {
    const dir = await org();
    const json = await suggestJson(dir);
    expect(json.formatVersion).toBe(1);
    expect(json.suggestions).toEqual([
      { action: 'replace', reason: 'seat-repurposed', crmUserId: id(101), outreachUserId: 100, previousCrmUserId: id(100), file: 'mappings/emea/other.yaml', line: 15 },
      { action: 'replace', reason: 'seat-repurposed', crmUserId: id(4), outreachUserId: 2, previousCrmUserId: id(2), file: 'mappings/team.yaml', line: 7 },
      { action: 'remove', reason: 'user-gone', crmUserId: id(3), outreachUserId: 3, file: 'mappings/team.yaml', line: 11 },
      { action: 'replace', reason: 'crm-user-replaced', crmUserId: id(11), outreachUserId: 10, previousCrmUserId: id(10), file: 'mappings/team.yaml', line: 14 },
      { action: 'add', reason: 'new-seat', crmUserId: id(5), outreachUserId: 5, file: 'mappings/suggested.yaml' },
      // second pass: Max's CRM user is free once seat 100 passes to Nia
      { action: 'add', reason: 'new-seat', crmUserId: id(100), outreachUserId: 102, file: 'mappings/suggested.yaml' },
    ]);
    expect(json.unresolved).toEqual([
      { reason: 'crm-user-missing', crmUserId: id(50), outreachUserId: 50, file: 'mappings/emea/other.yaml', line: 3 },
      { reason: 'names-differ-email-matches', crmUserId: id(80), outreachUserId: 80, file: 'mappings/emea/other.yaml', line: 9 },
      { reason: 'no-active-candidate', crmUserId: id(90), outreachUserId: 90, file: 'mappings/emea/other.yaml', line: 12 },
      { reason: 'email-shared', crmUserId: id(121), outreachUserId: 121, file: 'mappings/emea/other.yaml', line: 18 },
      { reason: 'outreach-user-missing', crmUserId: id(130), outreachUserId: 130, file: 'mappings/emea/other.yaml', line: 21 },
      { reason: 'no-email', crmUserId: id(20), outreachUserId: 20, file: 'mappings/team.yaml', line: 18 },
      { reason: 'email-shared', crmUserId: id(21), outreachUserId: 21, file: 'mappings/team.yaml', line: 21 },
      { reason: 'locked-seat-active-crm-user', crmUserId: id(40), outreachUserId: 40, file: 'mappings/team.yaml', line: 24 },
      { reason: 'email-shared', outreachUserId: 30 },
      { reason: 'email-shared', outreachUserId: 31 },
      { reason: 'only-inactive-crm-users', outreachUserId: 60 },
      { reason: 'candidate-mapped-elsewhere', crmUserId: id(70), outreachUserId: 70 },
      { reason: 'no-email', outreachUserId: 110 },
      { reason: 'email-shared', outreachUserId: 120 },
    ]);
  });

  it('prints each suggestion with its reason, both users by ID and name, and file:line; --detailed-exitcode exits 2', async () => {
    const dir = await org();
    const r = await runCli(['suggest', '--detailed-exitcode'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('replace  seat-repurposed  mappings/team.yaml:7');
    expect(r.stdout).toContain(`Outreach user 2 "Carla Diaz": CRM user ${id(2)} "Bob Ng" -> CRM user ${id(4)} "Carla Diaz"`);
    expect(r.stdout).toContain(`because the names differ, and ${id(4)} is the one active unmapped CRM user with the seat's email carla.diaz@example.com`);
    expect(r.stdout).toContain('remove   user-gone  mappings/team.yaml:11');
    expect(r.stdout).toContain(`unmap CRM user ${id(3)} "Cy Gone" (inactive) from Outreach user 3 "Cy Gone" (locked)`);
    expect(r.stdout).toContain('add      new-seat  mappings/suggested.yaml');
    expect(r.stdout).toContain(`map CRM user ${id(5)} "Dana Ek" to Outreach user 5 "Dana Ek"`);
    expect(r.stdout).toMatch(/Unresolved \(14\), left for a person and never edited:/);
    expect(r.stdout).toContain(`locked-seat-active-crm-user  mappings/team.yaml:24  Outreach user 40 "Ian Lock" is locked but CRM user ${id(40)} "Ian Lock" is still active`);
    expect(r.stdout).toContain('email-shared  Outreach user 30 "Hal Moe" is not mapped, and 2 Outreach users share the email hal@example.com: 30, 31');
    expect(r.stdout).toContain('6 suggestions, 14 unresolved. Run `mapsync suggest --write`');
    // Nothing is written by a plain suggest.
    expect(await readFile(join(dir, 'mappings/team.yaml'), 'utf8')).toBe(teamYaml);
    const plain = await runCli(['suggest'], { cwd: dir });
    expect(plain.code).toBe(0);
  });

  it('--write edits entries where they stand, adds to suggest.addTo with the modeline; validate and fmt --check pass; suggest again proposes nothing', async () => {
    const dir = await org();
    expect((await runCli(['fmt'], { cwd: dir })).code).toBe(0); // a repository that keeps fmt --check green
    const formatted = await readFile(join(dir, 'mappings/team.yaml'), 'utf8');
    const before = await suggestJson(dir);
    const w = await runCli(['suggest', '--write'], { cwd: dir });
    expect(w.code).toBe(0);
    expect(w.stdout).toContain('6 suggestions, 14 unresolved; wrote 6 to mappings/emea/other.yaml, mappings/suggested.yaml, mappings/team.yaml.');
    const date = new Date().toISOString().slice(0, 10);

    const team = await readFile(join(dir, 'mappings/team.yaml'), 'utf8');
    // Carla's entry: the same entry (its comments kept), new CRM user, name and a dated note.
    expect(team).toContain([
      `  - crmUserId: ${id(4)} # hired 2021`,
      '    outreachUserId: 2',
      '    name: Carla Diaz',
      `    note: '${date} mapsync suggest (seat-repurposed): was ${id(2)} "Bob Ng", but the seat is "Carla Diaz" now; ${id(4)} is the one active CRM user with its email carla.diaz@example.com (earlier note: EMEA desk)'`,
    ].join('\n'));
    expect(team).toContain('  # Ada keeps her seat\n');
    expect(team).not.toContain(id(3)); // user-gone removed
    // Eve's entry keeps its email key, now the new record's (trimmed as written).
    expect(team).toContain(`  - crmUserId: ${id(11)}\n    outreachUserId: 10\n    name: Eve Stone\n    email: EVE@example.com\n    note: "${date} mapsync suggest (crm-user-replaced)`);
    // Doubtful entries are untouched.
    for (const n of [20, 21, 40]) expect(team).toContain(`  - crmUserId: ${id(n)}\n    outreachUserId: ${n}\n`);
    // Only the named entries changed: every other entry's lines are still there, in the same order.
    const untouched = (text: string) => text.split('\n  - ').filter((e) => ![2, 3, 10].some((n) => e.includes(id(n)) || e.includes(`outreachUserId: ${n}\n`)));
    expect(untouched(team).filter((e) => !e.includes(id(4)) && !e.includes(id(11)))).toEqual(untouched(formatted));

    const added = await readFile(join(dir, 'mappings/suggested.yaml'), 'utf8');
    expect(added.startsWith('# yaml-language-server: $schema=../schema/user-mappings.schema.json\n')).toBe(true);
    expect(added).toContain(`  - crmUserId: ${id(5)}\n    outreachUserId: 5\n    name: Dana Ek\n    email: dana@example.com\n`);
    expect(added).toContain(`  - crmUserId: ${id(100)}\n    outreachUserId: 102\n    name: Max Roe\n`);

    const validate = await runCli(['validate'], { cwd: dir });
    expect(validate.code).toBe(0);
    const fmt = await runCli(['fmt', '--check'], { cwd: dir });
    expect(fmt.stdout).toBe('');
    expect(fmt.code).toBe(0);

    const after = await suggestJson(dir);
    expect(after.suggestions).toEqual([]);
    // The same doubts, nothing more (lines moved where entries were edited).
    const reasons = (j: Json) => j.unresolved.map((u) => `${u.reason} ${u.crmUserId ?? ''} ${u.outreachUserId ?? ''}`).sort();
    expect(reasons(after)).toEqual(reasons(before));
    const again = await runCli(['suggest', '--write'], { cwd: dir });
    expect(again.stdout).toContain('0 suggestions, 14 unresolved; nothing to write.');
    expect(await readFile(join(dir, 'mappings/team.yaml'), 'utf8')).toBe(team);
  });

  it('adds into an existing suggest.addTo file in a sub-folder with the right relative modeline, and caps at suggest.maxSuggestions', async () => {
    const dir = await org({ 'mapsync.config.yaml': 'suggest:\n  addTo: mappings/emea/new/seats.yml\n  maxSuggestions: 3\n' });
    await runCli(['fmt'], { cwd: dir });
    const w = await runCli(['suggest', '--write', '--detailed-exitcode'], { cwd: dir });
    expect(w.code).toBe(2);
    expect(w.stdout).toContain('wrote 3 to mappings/emea/other.yaml, mappings/team.yaml.');
    expect(w.stdout).toContain('3 more beyond suggest.maxSuggestions');
    const second = await runCli(['suggest', '--write'], { cwd: dir });
    expect(second.stdout).toContain('3 suggestions, 14 unresolved; wrote 3 to mappings/emea/new/seats.yml, mappings/team.yaml.');
    const seats = await readFile(join(dir, 'mappings/emea/new/seats.yml'), 'utf8');
    expect(seats.startsWith('# yaml-language-server: $schema=../../../schema/user-mappings.schema.json\n')).toBe(true);
    expect((await runCli(['validate'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['fmt', '--check'], { cwd: dir })).code).toBe(0);
    expect((await suggestJson(dir)).suggestions).toEqual([]);
  });

  it('edits a file that was not fmt-clean in place without reformatting it, and says so', async () => {
    const dir = await org();
    const w = await runCli(['suggest', '--write'], { cwd: dir });
    expect(w.code).toBe(0);
    expect(w.stderr).toContain('mappings/team.yaml was not fmt-clean before: edited in place, not reformatted (run mapsync fmt)');
    const team = await readFile(join(dir, 'mappings/team.yaml'), 'utf8');
    // Entries keep their order (Finn, Fay, Ian after Eve), the replaced one stands where Bob stood.
    const order = [...team.matchAll(/crmUserId: (\w+)/g)].map((m) => m[1]);
    expect(order).toEqual([1, 4, 11, 20, 21, 40].map(id));
    expect((await runCli(['validate'], { cwd: dir })).code).toBe(0);
    expect((await suggestJson(dir)).suggestions).toEqual([]);
  });

  it('refuses an addTo outside the mappings folder, invalid files and a store without directories, in one line each', async () => {
    const outside = await org({ 'mapsync.config.yaml': 'suggest:\n  addTo: elsewhere/new.yaml\n' });
    const r1 = await runCli(['suggest', '--write'], { cwd: outside });
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/^error: suggest.addTo "elsewhere\/new.yaml" is not a mapping file under mappings\//);

    // Every file error is listed with its code and place, exactly as plan lists them (one error path).
    const invalid = await org({ 'mappings/bad.yaml': 'mappings:\n  - crmUserId: 123\n', 'mappings/worse.yaml': 'mappings:\n  - crmUserId: 005000000000001AAA\n    outreachUserId: 0\n' });
    const r2 = await runCli(['suggest', '--format', 'json'], { cwd: invalid });
    expect(r2.code).toBe(1);
    const errors = JSON.parse(r2.stdout).errors as Array<{ code: string; file: string; line: number; column: number; message: string }>;
    expect(errors.map(({ code, file, line, column }) => ({ code, file, line, column }))).toEqual([
      { code: 'schema', file: 'mappings/bad.yaml', line: 2, column: 5 },
      { code: 'crm-id-format', file: 'mappings/bad.yaml', line: 2, column: 16 },
      { code: 'schema', file: 'mappings/worse.yaml', line: 3, column: 21 },
    ]);
    const asPlan = await runCli(['plan', '--format', 'json'], { cwd: invalid });
    expect(JSON.parse(asPlan.stdout).errors).toEqual(errors);
    expect(r2.stderr).toMatch(/^error: 3 errors in mappings\/ — suggest only works on valid files$/m);
    expect(r2.stderr).toContain('mappings/worse.yaml:3:21  schema  ');
    expect(r2.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const bare = await org({ '.mapsync/live.json': '{"mappings": []}' });
    const r3 = await runCli(['suggest'], { cwd: bare });
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('error: suggest needs every user of both directories, but there is no list of CRM users and Outreach users');
    // And nothing was written anywhere.
    expect(await readFile(join(bare, 'mappings/team.yaml'), 'utf8')).toBe(teamYaml);
  });

  it('never writes a file when the mappings are not valid after all (no partial write)', async () => {
    const dir = await org();
    // A duplicate across files: suggest refuses before it computes anything.
    await writeFile(join(dir, 'mappings/dup.yaml'), `mappings:\n  - crmUserId: ${id(5)}\n    outreachUserId: 5\n  - crmUserId: ${id(5)}\n    outreachUserId: 6\n`);
    const r = await runCli(['suggest', '--write'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(await readFile(join(dir, 'mappings/team.yaml'), 'utf8')).toBe(teamYaml);
  });
});
