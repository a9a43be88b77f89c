// validate's three output formats, byte for byte, over the fixture folders.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, REPO_ROOT, runCli } from '../helpers/cli.js';
import { loadDesired, loadDesiredDetails } from '../../src/desired/load.js';

const VALID = join(REPO_ROOT, 'test/fixtures/desired/valid');
const INVALID = join(REPO_ROOT, 'test/fixtures/desired/invalid');

const INVALID_ERRORS = [
  { file: 'mappings/apac.yaml', line: 2, column: 5, code: 'schema', message: 'unknown key "crmUserID" — did you mean crmUserId?' },
  { file: 'mappings/apac.yaml', line: 4, column: 16, code: 'crm-id-checksum', message: '"005ak00000abcxyiak" fails the Salesforce checksum; its letter case looks mangled — did you mean 005Ak00000aBcXyIAK?' },
  { file: 'mappings/emea.yaml', line: 3, column: 21, code: 'duplicate-outreach-id', message: 'outreachUserId 7 is mapped 2 times: mappings/apac.yaml:3, mappings/emea.yaml:3' },
  { file: 'mappings/emea.yaml', line: 4, column: 16, code: 'crm-id-prefix', message: '"0016g000009ZzYq" is not a Salesforce User ID: User IDs start with 005, this one with 001' },
];

describe('validate on valid files', () => {
  it('text: one verdict line, exit 0', async () => {
    const r = await runCli(['validate'], { cwd: VALID });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('valid: 3 files, 5 mappings\n');
    expect(r.code).toBe(0);
  });

  it('json: exactly the contract shape', async () => {
    const r = await runCli(['validate', '--format', 'json'], { cwd: VALID });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ valid: true, files: 3, mappings: 5, errors: [] });
  });

  it('github: no annotations, exit 0', async () => {
    const r = await runCli(['validate', '--format', 'github'], { cwd: VALID });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('--dir from another working directory keeps paths relative to that directory', async () => {
    const r = await runCli(['validate', '--dir', 'test/fixtures/desired/valid/mappings', '--format', 'json'], { cwd: REPO_ROOT });
    expect(JSON.parse(r.stdout)).toEqual({ valid: true, files: 3, mappings: 5, errors: [] });
  });

  it('the example mappings/ of this repository are valid', async () => {
    const r = await runCli(['validate'], { cwd: REPO_ROOT });
    expect(r.stdout).toMatch(/^valid: \d+ files, \d+ mappings\n$/);
    expect(r.code).toBe(0);
  });

  it('loadDesired keeps IDs exactly as written and makes them canonical (18 characters)', async () => {
    const cwd = process.cwd();
    process.chdir(VALID);
    try {
      const { state, errors } = await loadDesired('mappings');
      expect(errors).toEqual([]);
      expect(state.files).toEqual(['mappings/amer.yaml', 'mappings/teams/bom.yml', 'mappings/teams/emea.yaml']);
      expect(state.mappings.map((m) => [m.crmUserId, m.outreachUserId, m.location.file, m.location.line, m.location.column])).toEqual([
        ['005000000000123AAA', 1, 'mappings/amer.yaml', 3, 5],
        ['0050000000001e5AAA', 2, 'mappings/amer.yaml', 6, 5],
        ['005000000000777AAA', 3, 'mappings/amer.yaml', 9, 5],
        ['005Ak00000aBcXyIAK', 40, 'mappings/teams/bom.yml', 3, 5],
        ['0056g000009ZzYqAAK', 50, 'mappings/teams/emea.yaml', 2, 5],
      ]);
      expect(state.mappings[2]).toMatchObject({ name: 'Quoted', note: 'yes' });
      expect(state.mappings[3]).toMatchObject({ name: 'Bom Saved', email: 'bom@example.com' });
      expect(state.mappings[4]).toMatchObject({ note: 'repurposed seat of B. Ng' });
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('validate on invalid files', () => {
  it('text: file:line:col  code  message, hints, a count line; exit 1', async () => {
    const r = await runCli(['validate'], { cwd: INVALID });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe([
      'mappings/apac.yaml:2:5  schema  unknown key "crmUserID" — did you mean crmUserId?',
      '  hint: allowed keys in a mapping: crmUserId, outreachUserId, name, email, note',
      'mappings/apac.yaml:4:16  crm-id-checksum  "005ak00000abcxyiak" fails the Salesforce checksum; its letter case looks mangled — did you mean 005Ak00000aBcXyIAK?',
      '  hint: replace it with 005Ak00000aBcXyIAK',
      'mappings/emea.yaml:3:21  duplicate-outreach-id  outreachUserId 7 is mapped 2 times: mappings/apac.yaml:3, mappings/emea.yaml:3',
      '  hint: an Outreach user can be mapped to one Salesforce user only; keep one entry',
      'mappings/emea.yaml:4:16  crm-id-prefix  "0016g000009ZzYq" is not a Salesforce User ID: User IDs start with 005, this one with 001',
      '  hint: use the ID of the User record (Setup → Users → the user; the ID in the address starts with 005)',
      'invalid: 4 errors in 2 files (of 2 files, 4 mappings)',
      '',
    ].join('\n'));
  });

  it('json: exactly {valid, files, mappings, errors[{file, line, column, code, message}]}', async () => {
    const r = await runCli(['validate', '--format', 'json'], { cwd: INVALID });
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['valid', 'files', 'mappings', 'errors']);
    expect(parsed).toEqual({ valid: false, files: 2, mappings: 4, errors: INVALID_ERRORS });
    for (const e of parsed.errors as object[]) expect(Object.keys(e)).toEqual(['file', 'line', 'column', 'code', 'message']);
  });

  it('github: one ::error workflow command per error', async () => {
    const r = await runCli(['validate', '--format', 'github'], { cwd: INVALID });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(INVALID_ERRORS.map((e) => `::error file=${e.file},line=${e.line},col=${e.column},title=${e.code}::${e.message}\n`).join(''));
  });

  it('github: escapes %, CR, LF in the message and also : and , in properties', async () => {
    const p = await makeProject({
      'mappings/team: a,b.yaml': 'mappings:\n  - crmUserId: 005000000000001AAA\n    outreachUserId: 1\n    name: "50% off\\r\\nnext"\n    mistake: 1\n',
    });
    try {
      const r = await runCli(['validate', '--format', 'github'], { cwd: p.dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('::error file=mappings/team%3A a%2Cb.yaml,line=5,col=5,title=schema::unknown key "mistake"\n');
      const details = await loadDesiredDetails('mappings', p.dir);
      expect(details.errors).toHaveLength(1);
      const { githubAnnotation } = await import('../../src/desired/report.js');
      expect(githubAnnotation({ ...details.errors[0]!, message: '100% sure\r\nsecond line' }))
        .toBe('::error file=mappings/team%3A a%2Cb.yaml,line=5,col=5,title=schema::100%25 sure%0D%0Asecond line\n');
    } finally {
      await p.cleanup();
    }
  });

  it('writes a job summary when GITHUB_STEP_SUMMARY is set', async () => {
    const p = await makeProject({ 'summary.md': '' });
    try {
      const summary = join(p.dir, 'summary.md');
      const r = await runCli(['validate', '--dir', join(INVALID, 'mappings')], { cwd: p.dir, env: { GITHUB_STEP_SUMMARY: summary } });
      expect(r.code).toBe(1);
      const text = await readFile(summary, 'utf8');
      expect(text).toContain('### mapsync validate');
      expect(text).toContain('4 errors in 2 files (of 2 files, 4 mappings)');
      expect(text).toContain('| `');
      expect(text).toContain('`crm-id-prefix`');
    } finally {
      await p.cleanup();
    }
  });

  it('warns on stderr when the folder holds no mapping files (valid, nothing mapped)', async () => {
    const p = await makeProject({ 'mappings/.gitkeep': '' });
    try {
      const r = await runCli(['validate'], { cwd: p.dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('valid: 0 files, 0 mappings\n');
      expect(r.stderr).toBe('warning: no *.yaml or *.yml files under mappings: nothing is mapped\n');
    } finally {
      await p.cleanup();
    }
  });

  it('refuses an unknown --format', async () => {
    const r = await runCli(['validate', '--format', 'xml'], { cwd: VALID });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("argument 'xml' is invalid");
  });
});
