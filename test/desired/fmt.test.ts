// `mapsync fmt` and `fmt --check` through the real CLI, plus properties of the formatter itself.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeProject, REPO_ROOT, runCli } from '../helpers/cli.js';
import { formatMappingFile } from '../../src/desired/format.js';
import { checkFileText } from '../../src/desired/load.js';
import { to18 } from '../../src/crm/salesforceId.js';

const MESSY = `# Sales, Europe (kept as the file's header comment)
mappings:
  # Zoe moved from APAC
  - outreachUserId: 12 # Outreach seat 12
    name: Zoe Zhang
    crmUserId: 005000000000123   # digits only: must stay this ID

  - {crmUserId: "005Hs00000ABcDeIAL", outreachUserId: 7, name: ada Lovelace, note: repurposed seat of B. Ng}
  - crmUserId: 0050000000001e5
    note: 1.10
    outreachUserId: 3
  - crmUserId: 0058d000004QRStAAO
    email: bob@example.com
    outreachUserId: 5
    name: Bob
# end of file
`;

const FORMATTED = `# yaml-language-server: $schema=../schema/user-mappings.schema.json

# Sales, Europe (kept as the file's header comment)
mappings:
  - crmUserId: "005Hs00000ABcDeIAL"
    outreachUserId: 7
    name: ada Lovelace
    note: repurposed seat of B. Ng
  - crmUserId: 0058d000004QRStAAO
    outreachUserId: 5
    name: Bob
    email: bob@example.com
  # Zoe moved from APAC
  - crmUserId: "005000000000123" # digits only: must stay this ID
    outreachUserId: 12 # Outreach seat 12
    name: Zoe Zhang
  - crmUserId: "0050000000001e5"
    outreachUserId: 3
    note: "1.10"

# end of file
`;

const read = (dir: string, file: string) => readFile(join(dir, file), 'utf8');

describe('fmt', () => {
  it('sorts entries and keys, keeps comments, never changes an ID (only adds quotes)', async () => {
    const p = await makeProject({ 'mappings/emea.yaml': MESSY });
    try {
      const r = await runCli(['fmt'], { cwd: p.dir });
      expect(r.stderr).toBe('1 of 1 file changed\n');
      expect(r.stdout).toBe('formatted mappings/emea.yaml\n');
      expect(r.code).toBe(0);
      expect(await read(p.dir, 'mappings/emea.yaml')).toBe(FORMATTED);
      const v = await runCli(['validate', '--format', 'json'], { cwd: p.dir });
      expect(JSON.parse(v.stdout)).toMatchObject({ valid: true, mappings: 4 });
    } finally {
      await p.cleanup();
    }
  });

  it('is idempotent: a second run changes nothing and --check passes', async () => {
    const p = await makeProject({ 'mappings/emea.yaml': MESSY });
    try {
      await runCli(['fmt'], { cwd: p.dir });
      const again = await runCli(['fmt'], { cwd: p.dir });
      expect(again.code).toBe(0);
      expect(again.stdout).toBe('');
      expect(await read(p.dir, 'mappings/emea.yaml')).toBe(FORMATTED);
      const check = await runCli(['fmt', '--check'], { cwd: p.dir });
      expect(check.code).toBe(0);
      expect(check.stdout).toBe('');
      expect(check.stderr).toBe('1 file already formatted\n');
    } finally {
      await p.cleanup();
    }
  });

  it('--check prints a unified diff, exits 1 and writes nothing', async () => {
    const p = await makeProject({ 'mappings/emea.yaml': MESSY, 'mappings/ok.yaml': 'mappings: []\n' });
    try {
      const r = await runCli(['fmt', '--check'], { cwd: p.dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(
        createTwoFilesPatch('a/mappings/emea.yaml', 'b/mappings/emea.yaml', MESSY, FORMATTED, undefined, undefined, { context: 3 })
        + createTwoFilesPatch('a/mappings/ok.yaml', 'b/mappings/ok.yaml', 'mappings: []\n', '# yaml-language-server: $schema=../schema/user-mappings.schema.json\n\nmappings: []\n', undefined, undefined, { context: 3 }),
      );
      expect(r.stdout).toContain('--- a/mappings/emea.yaml\n+++ b/mappings/emea.yaml\n@@ ');
      expect(r.stdout).toContain('-  - {crmUserId: "005Hs00000ABcDeIAL"');
      expect(r.stdout).toContain('+  - crmUserId: "005Hs00000ABcDeIAL"');
      expect(r.stderr).toBe('2 of 2 files would change; run mapsync fmt\n');
      expect(await read(p.dir, 'mappings/emea.yaml')).toBe(MESSY);
    } finally {
      await p.cleanup();
    }
  });

  it('refuses files that do not validate, in one line, and touches no file', async () => {
    const bad = 'mappings:\n  - crmUserID: 005000000000001AAA\n    outreachUserId: 1\n';
    const p = await makeProject({ 'mappings/a.yaml': MESSY, 'mappings/b.yaml': bad });
    try {
      const r = await runCli(['fmt'], { cwd: p.dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'error: mappings/b.yaml:2:5: schema: unknown key "crmUserID" — did you mean crmUserId? — fmt only formats valid files (1 error)\n'
        + 'hint: run mapsync validate to see every error, fix them, then run fmt again\n',
      );
      expect(await read(p.dir, 'mappings/a.yaml')).toBe(MESSY);
      expect(await read(p.dir, 'mappings/b.yaml')).toBe(bad);
    } finally {
      await p.cleanup();
    }
  });

  it('refuses to reorder when an alias would move before its anchor', async () => {
    const text = 'mappings:\n  - crmUserId: 005000000000002AAA\n    outreachUserId: 2\n    name: Zed\n    note: &seat shared seat\n  - crmUserId: 005000000000001AAA\n    outreachUserId: 1\n    name: Amy\n    note: *seat\n';
    const p = await makeProject({ 'mappings/a.yaml': text });
    try {
      const r = await runCli(['fmt'], { cwd: p.dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: mappings\/a\.yaml: formatting would produce an invalid file .*; left unchanged\nhint: /);
      expect(await read(p.dir, 'mappings/a.yaml')).toBe(text);
    } finally {
      await p.cleanup();
    }
  });

  it('adds the modeline with the right relative path in sub-folders, and writes LF line endings', async () => {
    const p = await makeProject({
      'mappings/teams/emea/ops.yaml': 'mappings:\r\n  - outreachUserId: 1\r\n    crmUserId: 005000000000001AAA # ops\r\n',
    });
    try {
      const r = await runCli(['fmt'], { cwd: p.dir });
      expect(r.code).toBe(0);
      expect(await read(p.dir, 'mappings/teams/emea/ops.yaml')).toBe(
        '# yaml-language-server: $schema=../../../schema/user-mappings.schema.json\n\nmappings:\n  - crmUserId: 005000000000001AAA # ops\n    outreachUserId: 1\n',
      );
    } finally {
      await p.cleanup();
    }
  });

  it('drops document markers (%YAML, ---, ...) and keeps the comments around them', async () => {
    const p = await makeProject({
      'mappings/a.yaml': '%YAML 1.2\n---\n# yaml-language-server: $schema=../schema/user-mappings.schema.json\n# team A\nmappings:\n  - crmUserId: 005000000000002AAA\n    outreachUserId: 2\n...\n',
    });
    try {
      const r = await runCli(['fmt'], { cwd: p.dir });
      expect(r.code).toBe(0);
      expect(await read(p.dir, 'mappings/a.yaml')).toBe(
        '# yaml-language-server: $schema=../schema/user-mappings.schema.json\n# team A\nmappings:\n  - crmUserId: 005000000000002AAA\n    outreachUserId: 2\n',
      );
    } finally {
      await p.cleanup();
    }
  });

  it('keeps an empty block scalar note whose header holds a comment (`note: | # c`): it is "", never the text "# c"', async () => {
    const file = [
      'mappings:',
      '  - crmUserId: 005000000000002AAA',
      '    outreachUserId: 2',
      '    note: > # folded, but empty',
      '    name: Bea',
      '  - crmUserId: 005000000000001AAA',
      '    outreachUserId: 1',
      '    name: Al',
      '    note: | # c',
      '',
    ].join('\n');
    const p = await makeProject({ 'mappings/a.yaml': file });
    try {
      const r = await runCli(['fmt'], { cwd: p.dir });
      expect(r.stderr).not.toContain('would change what the file means');
      expect(r.code).toBe(0);
      expect(await read(p.dir, 'mappings/a.yaml')).toBe([
        '# yaml-language-server: $schema=../schema/user-mappings.schema.json',
        '',
        'mappings:',
        '  - crmUserId: 005000000000001AAA',
        '    outreachUserId: 1',
        '    name: Al',
        '    note: "" # c',
        '  - crmUserId: 005000000000002AAA',
        '    outreachUserId: 2',
        '    name: Bea',
        '    note: "" # folded, but empty',
        '',
      ].join('\n'));
      const check = await runCli(['fmt', '--check'], { cwd: p.dir });
      expect(check.code).toBe(0);
      const json = await runCli(['validate', '--format', 'json'], { cwd: p.dir });
      expect(json.code, json.stderr).toBe(0);
    } finally {
      await p.cleanup();
    }
  });

  it('warns when there is nothing to format and exits 0', async () => {
    const p = await makeProject({ 'mappings/README.txt': 'no yaml here\n' });
    try {
      const r = await runCli(['fmt', '--check'], { cwd: p.dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('0 files already formatted\n');
    } finally {
      await p.cleanup();
    }
  });

  it("leaves this repository's example mappings/ as they are", async () => {
    const r = await runCli(['fmt', '--check'], { cwd: REPO_ROOT });
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('formatter properties', () => {
  const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const id15 = fc.array(fc.constantFrom(...ALNUM.split('')), { minLength: 12, maxLength: 12 }).map((c) => `005${c.join('')}`);
  const word = fc.stringMatching(/^[A-Za-z][A-Za-z .'-]{0,20}$/);
  const entry = fc.record({
    id: id15,
    long: fc.boolean(),
    quoted: fc.boolean(),
    name: fc.option(word, { nil: undefined }),
    note: fc.option(fc.oneof(word, fc.constantFrom('yes', '1.10', 'null?', '007')), { nil: undefined }),
    comment: fc.option(word, { nil: undefined }),
    keyOrder: fc.boolean(),
  });
  const files = fc.uniqueArray(entry, { selector: (e) => e.id, minLength: 0, maxLength: 8 });

  type Entry = { id: string; long: boolean; quoted: boolean; name?: string; note?: string; comment?: string; keyOrder: boolean };

  /** A valid file in one of many spellings: 15/18 chars, quoted or plain, keys in any order, comments. */
  function render(entries: Entry[]): string {
    const lines = ['mappings:' + (entries.length === 0 ? ' []' : '')];
    entries.forEach((e, i) => {
      const written = e.long ? to18(e.id) : e.id;
      const crm = `crmUserId: ${e.quoted ? `"${written}"` : written}${e.comment ? ` # ${e.comment}` : ''}`;
      const keys = [crm, `outreachUserId: ${i + 1}`];
      if (e.name !== undefined) keys.push(`name: "${e.name}"`);
      if (e.note !== undefined) keys.push(`note: ${e.note}`);
      if (e.keyOrder) keys.reverse();
      lines.push(`  - ${keys[0]}`, ...keys.slice(1).map((k) => `    ${k}`));
    });
    return lines.join('\n') + '\n';
  }

  it('keeps the meaning, keeps every ID as written, and is idempotent', () => {
    fc.assert(fc.property(files, (entries) => {
      const text = render(entries);
      const before = checkFileText('mappings/x.yaml', text);
      expect(before.errors).toEqual([]);
      const once = formatMappingFile('mappings/x.yaml', text);
      const twice = formatMappingFile('mappings/x.yaml', once);
      expect(twice).toBe(once);
      const after = checkFileText('mappings/x.yaml', once);
      expect(after.errors).toEqual([]);
      const key = (m: { crmUserId: string; outreachUserId: number; name?: string; note?: string }) => `${m.crmUserId} ${m.outreachUserId} ${m.name} ${m.note}`;
      expect(after.mappings.map(key).sort()).toEqual(before.mappings.map(key).sort());
      for (const e of entries) {
        const written = e.long ? to18(e.id) : e.id;
        expect(once).toMatch(new RegExp(`crmUserId: "?${written}"?`));
        if (e.comment) expect(once).toContain(`# ${e.comment}`);
      }
    }), { numRuns: 200 });
  });
});
