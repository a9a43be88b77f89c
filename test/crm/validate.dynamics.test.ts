// `mapsync validate` through the real CLI in a project with `crm: dynamics`: systemuserid GUIDs in
// every accepted form, bad shapes, a Salesforce ID (whose hint names the setting), and one user
// written in two forms (a duplicate on the canonical GUID). The same files under the default
// `crm: salesforce` fail the other way round.
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

interface JsonError { file: string; line: number; column: number; code: string; message: string }
interface JsonReport { valid: boolean; files: number; mappings: number; errors: JsonError[] }

const DYNAMICS = 'crm: dynamics\n';
const A = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const B = '6b29fc40-ca47-1067-b31d-00dd010662da';
const C = 'a8098c1a-f86e-11da-bd1a-00112444be1e';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function validate(files: Record<string, string>, ...args: string[]) {
  const project = await makeProject(files);
  cleanup = project.cleanup;
  const result = await runCli(['validate', ...args], { cwd: project.dir });
  return result;
}

/** The JSON report (codes, places, messages) and the text output's hint lines (JSON has no hints). */
async function validateBoth(files: Record<string, string>): Promise<{ report: JsonReport; hints: string[] }> {
  const project = await makeProject(files);
  cleanup = project.cleanup;
  const json = await runCli(['validate', '--format', 'json'], { cwd: project.dir });
  const text = await runCli(['validate'], { cwd: project.dir });
  for (const r of [json, text]) {
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }
  const hints = text.stdout.split('\n').filter((l) => l.startsWith('  hint: ')).map((l) => l.slice('  hint: '.length));
  return { report: JSON.parse(json.stdout) as JsonReport, hints };
}

describe('validate under crm: dynamics', () => {
  it('accepts systemuserid GUIDs lower case, upper case and in braces', async () => {
    const result = await validate({
      'mapsync.config.yaml': DYNAMICS,
      'mappings/team.yaml': [
        'mappings:',
        `  - crmUserId: ${A}`,
        '    outreachUserId: 1',
        `  - crmUserId: ${B.toUpperCase()}`,
        '    outreachUserId: 2',
        `  - crmUserId: "{${C}}"`,
        '    outreachUserId: 3',
        `  - crmUserId: "{${'0f8fad5b-d9cb-469f-a165-70867728950e'.toUpperCase()}}"`,
        '    outreachUserId: 4',
        '',
      ].join('\n'),
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('valid: 1 file, 4 mappings\n');
    expect(result.code).toBe(0);
  });

  it('refuses bad shapes as crm-id-format at their line, and a Salesforce ID with a hint naming the crm setting', async () => {
    const { report, hints } = await validateBoth({
      'mapsync.config.yaml': DYNAMICS,
      'mappings/bad.yaml': [
        'mappings:',
        '  - crmUserId: 3f2504e0-4f89-11d3-9a0c-0305e82c330',
        '    outreachUserId: 1',
        '  - crmUserId: "{3f2504e0-4f89-11d3-9a0c-0305e82c3301"',
        '    outreachUserId: 2',
        '  - crmUserId: 3f2504e04f8911d39a0c0305e82c3301',
        '    outreachUserId: 3',
        '  - crmUserId: 0055e000001AbCd',
        '    outreachUserId: 4',
        '  - crmUserId: zz2504e0-4f89-11d3-9a0c-0305e82c3301',
        '    outreachUserId: 5',
        '',
      ].join('\n'),
    });
    expect(report.valid).toBe(false);
    expect(report.mappings).toBe(5);
    expect(report.errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [2, 16, 'crm-id-format'],
      [4, 16, 'crm-id-format'],
      [6, 16, 'crm-id-format'],
      [8, 16, 'crm-id-format'],
      [10, 16, 'crm-id-format'],
    ]);
    const [short, brace, bare, salesforce, notHex] = report.errors;
    for (const e of [short, brace, bare, notHex]) expect(e!.message).toContain('is not a Dynamics systemuserid');
    expect(hints).toHaveLength(5);
    for (const i of [0, 1, 2, 4]) expect(hints[i]).toMatch(/^copy the systemuserid from Dynamics 365/);
    expect(brace!.message).toContain('"{3f2504e0-4f89-11d3-9a0c-0305e82c3301"');
    expect(salesforce!.message).toBe('"0055e000001AbCd" looks like a Salesforce User ID, but this project\'s CRM is Dynamics 365 (crm: dynamics), whose IDs are Dynamics systemuserids');
    expect(hints[3]).toBe('if your CRM is Salesforce, set "crm: salesforce" in mapsync.config.yaml; otherwise write the user\'s systemuserid (a GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301)');
  });

  it('finds one user written in two forms across files (duplicate on the canonical GUID)', async () => {
    const { report, hints } = await validateBoth({
      'mapsync.config.yaml': DYNAMICS,
      'mappings/a.yaml': `mappings:\n  - crmUserId: ${A}\n    outreachUserId: 1\n`,
      'mappings/b.yaml': `mappings:\n  - crmUserId: "{${A.toUpperCase()}}"\n    outreachUserId: 2\n`,
    });
    expect(report.valid).toBe(false);
    expect(report.errors).toEqual([{
      file: 'mappings/b.yaml',
      line: 2,
      column: 16,
      code: 'duplicate-crm-id',
      message: `crmUserId ${A} is mapped 2 times (upper and lower case and {braces} are the same systemuserid): mappings/a.yaml:2, mappings/b.yaml:2`,
    }]);
    expect(hints).toEqual(['a Dynamics 365 user can be mapped to one Outreach user only; keep one entry']);
  });

  it('text and github formats are unchanged in shape: file:line:col, code, message, hint', async () => {
    const files = {
      'mapsync.config.yaml': DYNAMICS,
      'mappings/a.yaml': 'mappings:\n  - crmUserId: 0055e000001AbCd\n    outreachUserId: 1\n',
    };
    const text = await validate(files);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[0]).toBe('mappings/a.yaml:2:16  crm-id-format  "0055e000001AbCd" looks like a Salesforce User ID, but this project\'s CRM is Dynamics 365 (crm: dynamics), whose IDs are Dynamics systemuserids');
    expect(text.stdout).toContain('  hint: if your CRM is Salesforce, set "crm: salesforce" in mapsync.config.yaml');
    await cleanup?.();
    const github = await validate(files, '--format', 'github');
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(/^::error file=mappings\/a\.yaml,line=2,col=16,title=crm-id-format::/m);
  });

  it('a GUID under the default crm: salesforce is an error whose hint names the setting', async () => {
    const { report, hints } = await validateBoth({ 'mappings/a.yaml': `mappings:\n  - crmUserId: "{${A}}"\n    outreachUserId: 1\n` });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ line: 2, column: 16, code: 'crm-id-format' });
    expect(report.errors[0]!.message).toContain('looks like a Dynamics systemuserid');
    expect(hints).toEqual(['if your CRM is Dynamics 365, set "crm: dynamics" in mapsync.config.yaml; otherwise write the Salesforce User ID (005…, 15 or 18 characters)']);
  });

  it('a {GUID} copied without quotes (a YAML map) says to quote it', async () => {
    const { report, hints } = await validateBoth({
      'mapsync.config.yaml': DYNAMICS,
      'mappings/a.yaml': `mappings:\n  - crmUserId: {${A.toUpperCase()}}\n    outreachUserId: 1\n`,
    });
    expect(report.errors).toEqual([{
      file: 'mappings/a.yaml', line: 2, column: 16, code: 'schema',
      message: `crmUserId {${A.toUpperCase()}} was read as a YAML map because of its braces`,
    }]);
    expect(hints).toEqual([`put it in quotes (crmUserId: "{${A.toUpperCase()}}") or leave the braces out`]);
  });

  it('an unknown crm setting is one clear line', async () => {
    const result = await validate({ 'mapsync.config.yaml': 'crm: hubspot\n', 'mappings/a.yaml': 'mappings: []\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: mapsync\.config\.yaml: crm must be one of salesforce, dynamics\n/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
