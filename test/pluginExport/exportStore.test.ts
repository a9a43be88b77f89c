// `plugin-export:PATH` through the real CLI (CONTRACT §12): the users CSV read as the CRM plugin's
// mapped-user list — quoting, BOM, header case, column overrides, located errors, ID repair — and
// the read-only rules: plans lead with the clicks, apply and restore never write.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { userId } from '../github/helpers.js';
import { crmId, exportCsv, exportProject, field, mappingsYaml } from './support.js';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

async function project(files: Parameters<typeof exportProject>[0]): Promise<string> {
  const p = await exportProject(files);
  cleanups.push(p.cleanup);
  return p.dir;
}

const ada = { id: 42, first: 'Ada', last: 'Lovelace', email: 'ada@example.com', external: crmId(1) };
const grace = { id: 57, first: 'Grace', last: 'Hopper', email: 'grace@example.com', external: crmId(2) };

describe('plugin-export: reading the users CSV', () => {
  it('reads a BOM, quoted commas and newlines, and headers in any case; plan leads with the clicks', async () => {
    const csv = '\uFEFF' + [
      ' id ,NAME,e-mail,user external id,LOCKED',
      `42,"Lovelace, Ada",ada@example.com,${crmId(1)},FALSE`,
      `57,"Grace\nHopper",grace@example.com,${crmId(2)},false`,
      '99,"Seat, Unmapped",,,true',
    ].join('\n') + '\n';
    const dir = await project({
      csv,
      yaml: mappingsYaml([{ crm: crmId(1), outreach: 42 }, { crm: crmId(3), outreach: 57 }]),
    });
    const json = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan.store).toBe('plugin-export:users.csv');
    expect(plan.readOnly).toBe(true);
    expect(plan).not.toHaveProperty('asOf');
    // Grace's seat is re-pointed: the CSV's pair goes, the YAML's comes; Ada is unchanged.
    expect(plan.changes).toEqual([
      { action: 'remove', crmUserId: crmId(2), outreachUserId: 57, outreachUserName: 'Grace Hopper' },
      expect.objectContaining({ action: 'add', crmUserId: crmId(3), outreachUserId: 57, outreachUserName: 'Grace Hopper' }),
    ]);
    expect(plan.summary).toEqual({ add: 1, remove: 1, replace: 1, unchanged: 1 });
    expect(plan.notes).toEqual([expect.objectContaining({ code: 'crm-checks-skipped' })]);

    const text = await runCli(['plan'], { cwd: dir });
    expect(text.code).toBe(0);
    // The body leads with the checklist: nothing precedes its title, and removals come first.
    expect(text.stdout.startsWith("Checklist for the CRM plugin's user mappings (plan against the plugin's own list, plugin-export:users.csv)")).toBe(true);
    expect(text.stdout).toContain('The list can only be changed in the plugin screen');
    expect(text.stdout.match(/CRM users were not checked/g)).toHaveLength(1);
    expect(text.stdout.indexOf(`1. Search for ${crmId(2)} and remove its mapping:`)).toBeLessThan(text.stdout.indexOf('2. Add a mapping:'));
    // The counts lead with the clicks the body lists (a replace is two); the JSON summary keeps the changes.
    expect(text.stdout).toMatch(/\n2 steps: 1 removal, then 1 addition\.\n\nPlan: 2 clicks in the plugin screen \(0 to add, 0 to remove, 1 to replace\), 1 unchanged\.\n$/);

    // The Markdown body says once who changes the list, in its verdict; the clicks name the Outreach user once.
    const markdown = await runCli(['plan', '--format', 'markdown'], { cwd: dir });
    expect(markdown.code, markdown.stderr).toBe(0);
    expect(markdown.stdout).toContain("**Merging changes nothing in the plugin's list (`plugin-export:users.csv`):** only the plugin screen changes it. These 2 clicks in the plugin screen make it match `mappings/`, every removal before every addition; the next drift run checks that they were made.");
    expect(markdown.stdout.match(/plugin screen changes/g)).toHaveLength(1);
    expect(markdown.stdout.split('\n')[0]).toBe('### mapsync plan: 2 clicks in the plugin screen (0 to add, 0 to remove, 1 to replace)');
    expect(markdown.stdout).toContain('**Plan: 2 clicks in the plugin screen (0 to add, 0 to remove, 1 to replace), 1 unchanged.**');

    // drift names the plugin's list, not "live", in the terminal and in Markdown.
    const drift = await runCli(['drift'], { cwd: dir });
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stdout).toMatch(/\nDrift: 0 mappings in mappings\/ missing from the plugin's list, 0 mappings in the plugin's list not in mappings\/, 1 mapping differs \(same user, other partner\), 1 in sync\.\n$/);
    const driftMarkdown = await runCli(['drift', '--format', 'markdown'], { cwd: dir });
    expect(driftMarkdown.code, driftMarkdown.stderr).toBe(2);
    expect(driftMarkdown.stdout.split('\n')[0]).toBe('### Mapping drift: 2 clicks in the plugin screen (0 to add, 0 to remove, 1 to replace)');
    expect(driftMarkdown.stdout).toContain("**Drift: 0 mappings in mappings/ missing from the plugin's list, 0 mappings in the plugin's list not in mappings/, 1 mapping differs (same user, other partner), 1 in sync.**");
    expect(driftMarkdown.stdout).not.toMatch(/\blive\b/);
    expect(markdown.stdout).toContain(`- [ ] 1. Search for \`${crmId(2)}\` and remove its mapping to Outreach user Grace Hopper \`57\``);
  });

  it('matches overridden columns from pluginExport.columns, trimmed and in any case', async () => {
    const csv = ['Seat,Full name,Mail,CRM Owner Id', `42,Ada Lovelace,ada@example.com,${crmId(1)}`].join('\n');
    const config = ['store: plugin-export:users.csv', 'pluginExport:', '  columns:', '    outreachUserId: " seat "', '    crmUserId: crm owner ID', '    name: Full Name', '    email: mail'].join('\n') + '\n';
    const dir = await project({ csv, config, yaml: mappingsYaml([{ crm: crmId(1), outreach: 42, name: 'Ada Lovelace' }]) });
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 1 });

    // A key that is not a column is the usual "did you mean".
    await writeFile(join(dir, 'mapsync.config.yaml'), 'pluginExport:\n  columns:\n    crmUserID: X\n');
    const typo = await runCli(['plan'], { cwd: dir });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/unknown setting "pluginExport\.columns\.crmUserID" — did you mean pluginExport\.columns\.crmUserId\?/);
  });

  it('a missing column is one line naming the headers found and the key to set', async () => {
    const dir = await project({ csv: 'ID,Name,Email\n42,Ada,ada@example.com\n', yaml: mappingsYaml([]) });
    const result = await runCli(['plan'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: users.csv: no column for the CRM user the plugin maps it to (looked for "User External ID" or "External ID"); the headers found are "ID", "Name", "Email"\n' +
      'hint: set pluginExport.columns.crmUserId in mapsync.config.yaml to the header that holds the CRM user the plugin maps it to\n');
    // A column the config names must be there too.
    await writeFile(join(dir, 'mapsync.config.yaml'), 'store: plugin-export:users.csv\npluginExport:\n  columns:\n    locked: Suspended\n');
    await writeFile(join(dir, 'users.csv'), `ID,User External ID\n42,${crmId(1)}\n`);
    const named = await runCli(['plan'], { cwd: dir });
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(/^error: users\.csv: no column for whether the user is locked \(looked for "Suspended"\); the headers found are "ID", "User External ID"$/m);
  });

  it('a bad value is file:row as a spreadsheet counts rows (a quoted line break stays one row)', async () => {
    // Row 1 header, row 2 spans three lines of the file, row 3 is fine, row 4 is bad (line 6).
    const csv = [
      'ID,Name,User External ID',
      `42,"Ada\nAugusta\nLovelace",${crmId(1)}`,
      `57,Grace,${crmId(2)}`,
      '61,Bob,not-an-id',
    ].join('\n') + '\n';
    const dir = await project({ csv, yaml: mappingsYaml([]) });
    const result = await runCli(['plan'], { cwd: dir });
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^error: users\.csv:4 \(line 6 of the file\): column "User External ID": .*not-an-id/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^hint: /);

    await writeFile(join(dir, 'users.csv'), `ID,User External ID\n42,${crmId(1)}\n4x2,${crmId(2)}\n`);
    const badId = await runCli(['plan'], { cwd: dir });
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/^error: users\.csv:3: "4x2" in column "ID" is not an Outreach user ID \(a whole number >= 1\)$/m);
    // JSON stays JSON, with the file and the row.
    const json = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).errors).toEqual([{ code: 'plugin-export-invalid', message: expect.stringContaining('"4x2"'), file: 'users.csv', line: 3 }]);

    // A Salesforce ID whose prefix is not a user's is refused, located.
    await writeFile(join(dir, 'users.csv'), `ID,User External ID\n42,${field('0035e00000AbCdE')}\n`);
    const contact = await runCli(['plan'], { cwd: dir });
    expect(contact.code).toBe(1);
    expect(contact.stderr).toMatch(/^error: users\.csv:2: column "User External ID": .*0035e00000AbCdE/m);
  });

  it('a missing export is one line, not an empty store', async () => {
    const dir = await project({ csv: '', yaml: mappingsYaml([{ crm: crmId(1), outreach: 42 }]), config: 'store: plugin-export:exports/users.csv\n' });
    const result = await runCli(['plan'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: exports\/users\.csv: no such file \(the users CSV for plugin-export:exports\/users\.csv\)\nhint: export it from Outreach: Administration → Users/);
  });

  it('an empty External ID is a user the plugin does not map', async () => {
    const dir = await project({
      csv: exportCsv([ada, { ...grace, external: '' }], { bom: true }),
      yaml: mappingsYaml([{ crm: crmId(1), outreach: 42 }, { crm: crmId(2), outreach: 57 }]),
    });
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'add', crmUserId: crmId(2), outreachUserId: 57, outreachUserName: 'Grace Hopper' })]);
  });

  it('15-character and case-mangled 18-character IDs are the users they name', async () => {
    // 0055e…: a lower-case letter in the first 15, which a spreadsheet's upper-casing mangles.
    const mangled = userId(2).toUpperCase();
    const dir = await project({
      csv: exportCsv([{ ...ada, external: userId(1).slice(0, 15) }, { ...grace, external: mangled }]),
      yaml: mappingsYaml([{ crm: userId(1), outreach: 42 }, { crm: userId(2), outreach: 57 }]),
    });
    expect(mangled).not.toBe(userId(2));
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 2 });
    // The repair is said, with the row and both forms; the 15-character ID needs none.
    expect(plan.warnings).toEqual([{
      code: 'live-id-repaired', crmUserId: userId(2), outreachUserId: 57,
      message: `users.csv:3: column "User External ID": "${mangled}" fails the Salesforce checksum as written; read as ${userId(2)}, its letter case repaired; check which user the plugin screen maps, and copy the ID again from Salesforce`,
    }]);
  });

  it('a digit 0 typed as a letter O is not silently another user: the repair is a warning naming both readings', async () => {
    // The checksum cannot tell a digit 0 from a lower-case letter o (neither is upper case), so
    // the case repair reads "O" as "o": a different, well-formed ID. It is taken (live data is
    // repaired, §12) but said, so the plan does not quietly re-point Ada's seat.
    const typo = crmId(1).replace(/^0050/, '005O');
    const read = crmId(1).replace(/^0050/, '005o');
    expect(typo.slice(0, 15).toUpperCase()).not.toBe(crmId(1).slice(0, 15));
    const dir = await project({
      csv: exportCsv([{ ...ada, external: typo }]),
      yaml: mappingsYaml([{ crm: crmId(1), outreach: 42, name: 'Ada Lovelace' }]),
    });
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.changes.map((c: { action: string; crmUserId: string }) => `${c.action} ${c.crmUserId}`)).toEqual([`remove ${read}`, `add ${crmId(1)}`]);
    const message = `users.csv:2: column "User External ID": "${typo}" fails the Salesforce checksum as written; read as ${read}, its letter case repaired, but if its letter O is a digit 0 it is ${crmId(1)}; check which user the plugin screen maps, and copy the ID again from Salesforce`;
    expect(plan.warnings).toEqual([{ code: 'live-id-repaired', crmUserId: read, outreachUserId: 42, message }]);

    // The checklist says it before the first click.
    const text = await runCli(['plan'], { cwd: dir });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.indexOf(`! live-id-repaired: ${message}`)).toBeGreaterThan(-1);
    expect(text.stdout.indexOf('live-id-repaired')).toBeLessThan(text.stdout.indexOf('1. Search for'));
  });

  it('reads GUIDs under crm: dynamics, and refuses a Salesforce ID there naming the setting', async () => {
    const guid = '9f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
    const dir = await project({
      csv: exportCsv([{ ...ada, external: `{${guid.toUpperCase()}}` }]),
      yaml: mappingsYaml([{ crm: guid, outreach: 42 }]),
      config: 'crm: dynamics\nstore: plugin-export:users.csv\n',
    });
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).summary.unchanged).toBe(1);

    await writeFile(join(dir, 'users.csv'), exportCsv([ada]));
    const wrong = await runCli(['plan'], { cwd: dir });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: users\.csv:2: column "User External ID": .*looks like a Salesforce User ID.*crm: dynamics/m);
  });

  it('one CRM user mapped to two seats is a live-duplicate warning', async () => {
    const dir = await project({
      csv: exportCsv([ada, { ...grace, external: crmId(1) }]),
      yaml: mappingsYaml([{ crm: crmId(1), outreach: 42, name: 'Ada Lovelace' }]),
    });
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.warnings.map((w: { code: string }) => w.code)).toContain('live-duplicate');
    // No CRM directory: the removal borrows the name mappings/ gives that CRM user on the pair that stays.
    expect(plan.changes).toEqual([{
      action: 'remove', crmUserId: crmId(1), outreachUserId: 57, outreachUserName: 'Grace Hopper',
      yamlName: { name: 'Ada Lovelace', file: 'mappings/team.yaml', line: 2 },
    }]);
    const checklist = await runCli(['plan', '--format', 'checklist'], { cwd: dir });
    expect(checklist.code, checklist.stderr).toBe(0);
    expect(checklist.stdout).toContain(`1. Search for ${crmId(1)} and remove its mapping:\n     CRM user:      Ada Lovelace (${crmId(1)}), the name in mappings/team.yaml:2\n     Outreach user: Grace Hopper (57)\n`);
    expect(checklist.stdout).not.toContain('name not known to mapsync');
    const markdown = await runCli(['plan', '--format', 'markdown'], { cwd: dir });
    expect(markdown.stdout).toContain(`- [ ] 1. Search for \`${crmId(1)}\` (YAML name: Ada Lovelace) and remove its mapping to Outreach user Grace Hopper \`57\``);
    // A saved plan shows the same.
    const saved = await runCli(['plan', '--out', 'plan.json'], { cwd: dir });
    expect(saved.code, saved.stderr).toBe(0);
    const shown = await runCli(['show', 'plan.json', '--format', 'checklist'], { cwd: dir });
    expect(shown.stdout).toBe(checklist.stdout);
    // The list is the plugin's, which mapsync never writes: the clicks remove the extra mapping.
    expect(plan.warnings.find((w: { code: string }) => w.code === 'live-duplicate').message)
      .toBe(`the plugin's list maps CRM user ${crmId(1)} to 2 Outreach users (42, 57); the clicks below remove those not in mappings/`);

    const imported = await runCli(['import'], { cwd: dir });
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain("error: the plugin's list maps 2 pairs that mapping files cannot express (a user mapped twice); nothing was written\n");
    expect(imported.stderr).toContain('hint: decide which mapping each of those users keeps, remove the other in the plugin screen (or write those entries by hand), then import again\n');

    const suggested = await runCli(['suggest'], { cwd: dir });
    expect(suggested.code).toBe(1);
    expect(suggested.stderr).toContain("hint: set directories.crm: salesforce in mapsync.config.yaml and that CRM's credentials (SF_*) to read its users\n");
  });

  it('import then plan shows no changes', async () => {
    const dir = await project({
      csv: exportCsv([ada, grace, { id: 77, first: 'Free', last: 'Seat', external: '' }]),
      yaml: mappingsYaml([]),
    });
    const imported = await runCli(['import', '--out', 'mappings/imported.yaml'], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
    const yaml = await readFile(join(dir, 'mappings/imported.yaml'), 'utf8');
    expect(yaml).toContain(crmId(1));
    expect(yaml).toContain('Grace Hopper');
    const plan = await runCli(['plan', '--format', 'json', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stderr + plan.stdout).toBe(0);
    expect(JSON.parse(plan.stdout).summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 2 });
  });
});

describe('plugin-export: the checklist reads top to bottom', () => {
  it('says where to click before what was not checked, and names a re-pointed CRM user by its YAML name', async () => {
    // Ada's CRM user moves from seat 57 to seat 42; no CRM directory is read.
    const dir = await project({
      csv: exportCsv([{ ...ada, external: '' }, { ...grace, external: crmId(1) }]),
      yaml: mappingsYaml([{ crm: crmId(1), outreach: 42, name: 'Ada Lovelace' }]),
    });
    const result = await runCli(['plan'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    const screens = out.indexOf('Enhanced CRM Sync: CRM Sync → User object mapping → Mappings');
    const note = out.indexOf('Note: CRM users were not checked');
    expect(screens).toBeGreaterThan(0);
    expect(note).toBeGreaterThan(screens);
    expect(note).toBeLessThan(out.indexOf('1. Search for'));
    // The removal's CRM user is the one step 2 maps again: its YAML name is shown, marked as such.
    expect(out).toMatch(new RegExp(`1\\. Search for ${crmId(1)} and remove its mapping:\\n {5}CRM user: {6}Ada Lovelace \\(${crmId(1)}\\), the name in mappings/[^:]+:\\d+\\n {5}Outreach user: Grace Hopper \\(57\\)`));
    expect(out).not.toContain('name not known to mapsync');
  });

  it('numbers each click the same in the terminal and in the Markdown task list (comment, issue)', async () => {
    // CRM user 1 moves from seat 57 to 42 (a replace); CRM user 3's mapping on seat 77 goes (a plain removal).
    const dir = await project({
      csv: exportCsv([{ ...ada, external: '' }, { ...grace, external: crmId(1) }, { id: 77, first: 'Old', last: 'Seat', external: crmId(3) }]),
      yaml: mappingsYaml([{ crm: crmId(1), outreach: 42 }]),
    });
    const text = await runCli(['plan'], { cwd: dir });
    const markdown = await runCli(['plan', '--format', 'markdown'], { cwd: dir });
    const fromText = [...text.stdout.matchAll(/^(\d+)\. (?:Search for (\S+) and remove|Add a mapping)/gm)].map((m) => `${m[1]} ${m[2] ?? 'add'}`);
    const fromMarkdown = [...markdown.stdout.matchAll(/^- \[ \] (\d+)\. (?:Search for `(\S+)` |Add a mapping)/gm)].map((m) => `${m[1]} ${m[2] ?? 'add'}`);
    expect(fromText).toEqual([`1 ${crmId(3)}`, `2 ${crmId(1)}`, '3 add']);
    expect(fromMarkdown).toEqual(fromText);
  });

  it('colours the clicks on a terminal as other plans colour - and +, and never in --format checklist', async () => {
    const dir = await project({
      csv: exportCsv([{ ...ada, external: '' }, { ...grace, external: crmId(1) }]),
      yaml: mappingsYaml([{ crm: crmId(1), outreach: 42, name: 'Ada Lovelace' }]),
    });
    const ESC = '\u001b';
    const coloured = await runCli(['plan'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: undefined } });
    expect(coloured.code, coloured.stderr).toBe(0);
    expect(coloured.stdout).toContain(`${ESC}[31m1.${ESC}[39m Search for ${crmId(1)} and remove its mapping:`);
    expect(coloured.stdout).toContain(`${ESC}[32m2.${ESC}[39m Add a mapping:`);
    expect(coloured.stdout).toContain(`${ESC}[1mFirst remove 1 mapping${ESC}[22m:`);
    // The checklist format is for files and comments: plain even when colour is forced.
    const file = await runCli(['plan', '--format', 'checklist'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: undefined } });
    expect(file.stdout).not.toContain(ESC);
  });
});

describe('plugin-export: read-only', () => {
  it('apply refuses with one line counting the clicks, and writes nothing anywhere', async () => {
    const dir = await project({
      csv: exportCsv([ada, grace, { id: 77, first: 'Free', last: 'Seat', external: '' }]),
      yaml: mappingsYaml([{ crm: crmId(1), outreach: 42 }, { crm: crmId(3), outreach: 57 }, { crm: crmId(4), outreach: 77 }]),
    });
    const before = await readFile(join(dir, 'users.csv'), 'utf8');
    const result = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "error: not applied: plugin-export:users.csv is the CRM plugin's own mapped-user list, which has no write API; 3 clicks in the plugin screen make it match mappings/ (1 removal, then 2 additions) — the checklist above lists them\n");
    // "above" is true: the fresh plan's checklist was printed first.
    expect(result.stdout).toContain(`1. Search for ${crmId(2)} and remove its mapping:`);
    expect(existsSync(join(dir, '.mapsync'))).toBe(false);
    expect(await readFile(join(dir, 'users.csv'), 'utf8')).toBe(before);

    // A saved plan is refused the same way.
    const saved = await runCli(['plan', '--out', 'plan.json'], { cwd: dir });
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stderr).toBe("Saved the plan to plan.json; npx mapsync show plan.json prints its clicks again (apply refuses plugin-export:users.csv: only the plugin screen changes its list)\n");
    const fromFile = await runCli(['apply', 'plan.json'], { cwd: dir });
    expect(fromFile.code).toBe(1);
    // Nothing printed the checklist this time: the line names the command that does.
    expect(fromFile.stderr).toMatch(/^error: not applied: .*has no write API; 3 clicks.* — run `mapsync plan --format checklist --store plugin-export:users\.csv` to see them\n$/);
    expect(existsSync(join(dir, '.mapsync'))).toBe(false);
  });

  it('restore refuses the same way and writes nothing', async () => {
    const dir = await project({ csv: exportCsv([ada, grace]), yaml: mappingsYaml([]) });
    await writeFile(join(dir, 'snapshot.json'), JSON.stringify({ mappings: [{ crmUserId: crmId(1), outreachUserId: 42 }] }));
    const result = await runCli(['restore', 'snapshot.json', '--auto-approve'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: not applied: plugin-export:users\.csv is the CRM plugin's own mapped-user list, which has no write API; 1 click in the plugin screen makes it match/m);
    expect(existsSync(join(dir, '.mapsync'))).toBe(false);
  });

  it('apply with nothing to click changes nothing and exits 0', async () => {
    const dir = await project({ csv: exportCsv([ada]), yaml: mappingsYaml([{ crm: crmId(1), outreach: 42 }]) });
    const result = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(dir, '.mapsync'))).toBe(false);
  });
});
