// `directories.crm` over a read-only store (CONTRACT §12): the export knows only Outreach users, so
// CRM names and active state come from the CRM's API, read-only, with that store's credentials —
// here the Salesforce fake, then the Dataverse fake. Without it the plan says once that CRM checks were skipped; with it
// and no credentials, one line says what to set. `suggest` then works over the export too.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startFakeDataverse, systemUserId, type FakeDataverse } from '../fakes/dataverseServer.js';
import { startFakeSalesforce, userId, type FakeSalesforce } from '../fakes/salesforceServer.js';
import { exportCsv, exportProject, mappingsYaml } from './support.js';

const TOKEN = 'fake-access-token-directories-7Qx';
let sf: FakeSalesforce;
let cleanups: (() => Promise<void>)[] = [];
beforeEach(async () => {
  sf = await startFakeSalesforce({ tokens: [TOKEN] });
  sf.addUser({ Id: userId(1), Name: 'Ada Lovelace', Email: 'ada@example.com', IsActive: true });
  sf.addUser({ Id: userId(2), Name: 'Grace Hopper', Email: 'grace@example.com', IsActive: false });
  sf.addUser({ Id: userId(3), Name: 'Alan Turing', Email: 'alan@example.com', IsActive: true });
});
afterEach(async () => {
  await sf.close();
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

const sfEnv = () => ({ SF_INSTANCE_URL: sf.url, SF_ACCESS_TOKEN: TOKEN, MAPSYNC_SALESFORCE_RETRY_MS: '5' });
const CONFIG = 'store: plugin-export:users.csv\ndirectories:\n  crm: salesforce\n';

async function project(config: string, yaml: string): Promise<string> {
  const p = await exportProject({
    config,
    yaml,
    csv: exportCsv([
      { id: 42, first: 'Ada', last: 'Lovelace', email: 'ada@example.com', external: userId(1) },
      { id: 57, first: 'Grace', last: 'Hopper', email: 'grace@example.com', external: userId(2) },
      { id: 61, first: 'Alan', last: 'Turing', email: 'alan@example.com', external: '' },
    ]),
  });
  cleanups.push(p.cleanup);
  return p.dir;
}

describe('directories.crm over the plugin export', () => {
  it('names CRM users and checks their active state from Salesforce; no skipped-checks note', async () => {
    const dir = await project(CONFIG, mappingsYaml([{ crm: userId(1), outreach: 42 }, { crm: userId(2), outreach: 57 }, { crm: userId(3), outreach: 61 }]));
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir, env: sfEnv() });
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan).not.toHaveProperty('notes');
    expect(plan.warnings).toEqual([expect.objectContaining({ code: 'crm-user-inactive', crmUserId: userId(2) })]);
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'add', crmUserId: userId(3), crmUserName: 'Alan Turing', outreachUserName: 'Alan Turing' })]);
    // Only reads reached Salesforce.
    expect(sf.log.length).toBeGreaterThan(0);
    expect(sf.fieldChanges).toEqual([]);
    expect(sf.log.filter((r) => r.method !== 'GET' && !/\/composite\/sobjects\/User$|\/query/.test(r.path))).toEqual([]);

    const text = await runCli(['plan'], { cwd: dir, env: sfEnv() });
    expect(text.stdout).toContain(`CRM user:      Alan Turing (${userId(3)})`);
    expect(text.stdout).not.toContain('CRM users were not checked');
  });

  it('a CRM user Salesforce does not know is an error at its line', async () => {
    const dir = await project(CONFIG, mappingsYaml([{ crm: userId(1), outreach: 42 }, { crm: userId(9), outreach: 61 }]));
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir, env: sfEnv() });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).errors).toEqual([expect.objectContaining({ code: 'unknown-crm-user', file: 'mappings/team.yaml', line: 4 })]);
  });

  it('without it, CRM checks are skipped and said once; with it and no credentials, one line says what to set', async () => {
    const dir = await project('store: plugin-export:users.csv\n', mappingsYaml([{ crm: userId(1), outreach: 42 }, { crm: userId(9), outreach: 61 }]));
    const skipped = await runCli(['plan', '--format', 'markdown'], { cwd: dir });
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout.match(/CRM users were not checked/g)).toHaveLength(1);

    const missing = await project(CONFIG, mappingsYaml([{ crm: userId(1), outreach: 42 }]));
    const result = await runCli(['plan'], { cwd: missing });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: directories\.crm is salesforce in mapsync\.config\.yaml, but no Salesforce credentials .* are in the environment\nhint: /);

    // The directory must be the project's CRM.
    const other = await project('crm: salesforce\nstore: plugin-export:users.csv\ndirectories:\n  crm: dynamics\n', mappingsYaml([]));
    const mismatch = await runCli(['plan'], { cwd: other });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/^error: mapsync\.config\.yaml: directories\.crm is dynamics, but the project's CRM is salesforce/);
  });

  it('suggest works over the export: Outreach seats from the CSV, CRM users from Salesforce', async () => {
    // Alan's seat (61) is unmapped and its email is exactly one active, unmapped CRM user's.
    const dir = await project(CONFIG, mappingsYaml([{ crm: userId(1), outreach: 42 }, { crm: userId(2), outreach: 57 }]));
    const result = await runCli(['suggest', '--format', 'json'], { cwd: dir, env: sfEnv() });
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.suggestions).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'add', reason: 'new-seat', crmUserId: userId(3), outreachUserId: 61 })]));
  });
});

// The same over Dynamics: directories.crm: dynamics reads systemusers from the Dataverse fake
// (names, isdisabled), read-only, and leaves application users (accessmode 4) out.
describe('directories.crm: dynamics over the plugin export', () => {
  let dv: FakeDataverse;
  beforeEach(async () => {
    dv = await startFakeDataverse();
    dv.addUser({ systemuserid: systemUserId(1), fullname: 'Ada Lovelace', internalemailaddress: 'ada@example.com', isdisabled: false });
    dv.addUser({ systemuserid: systemUserId(2), fullname: 'Grace Hopper', internalemailaddress: 'grace@example.com', isdisabled: true });
    dv.addUser({ systemuserid: systemUserId(3), fullname: 'Alan Turing', internalemailaddress: 'alan@example.com', isdisabled: false });
    // The integration's application user, with an address that also has an Outreach seat (61's).
    dv.addUser({ systemuserid: systemUserId(7), fullname: '# crm sync', internalemailaddress: 'sync@example.com', isdisabled: false, accessmode: 4 });
  });
  afterEach(async () => {
    await dv.close();
  });

  const DV_CONFIG = 'crm: dynamics\nstore: plugin-export:users.csv\ndirectories:\n  crm: dynamics\n';
  const dvEnv = () => ({ ...dv.env(), MAPSYNC_DYNAMICS_RETRY_MS: '5' });

  async function dvProject(yaml: string): Promise<string> {
    const p = await exportProject({
      config: DV_CONFIG,
      yaml,
      csv: exportCsv([
        { id: 42, first: 'Ada', last: 'Lovelace', email: 'ada@example.com', external: systemUserId(1) },
        // Upper case in braces: the plugin's export may write a GUID either way.
        { id: 57, first: 'Grace', last: 'Hopper', email: 'grace@example.com', external: `{${systemUserId(2).toUpperCase()}}` },
        { id: 61, first: 'Alan', last: 'Turing', email: 'alan@example.com', external: '' },
        { id: 70, first: 'CRM', last: 'Sync', email: 'sync@example.com', external: '' },
      ]),
    });
    cleanups.push(p.cleanup);
    return p.dir;
  }

  it('names CRM users and checks their active state from Dataverse, reading only; no skipped-checks note', async () => {
    const dir = await dvProject(mappingsYaml([{ crm: systemUserId(1), outreach: 42 }, { crm: systemUserId(2), outreach: 57 }, { crm: systemUserId(3), outreach: 61 }]));
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir, env: dvEnv() });
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan).not.toHaveProperty('notes');
    expect(plan.warnings).toEqual([expect.objectContaining({ code: 'crm-user-inactive', crmUserId: systemUserId(2) })]);
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'add', crmUserId: systemUserId(3), crmUserName: 'Alan Turing', outreachUserName: 'Alan Turing' })]);
    const reads = dv.dataRequests({ method: 'GET', pathIncludes: 'systemusers' });
    expect(reads.length).toBeGreaterThan(0);
    expect(dv.log.filter((l) => l.method !== 'GET' && !l.path.includes('/oauth2/'))).toEqual([]);

    const text = await runCli(['plan'], { cwd: dir, env: dvEnv() });
    expect(text.stdout).toContain(`CRM user:      Alan Turing (${systemUserId(3)})`);
    expect(text.stdout).not.toContain('CRM users were not checked');
  });

  it('a CRM user Dataverse does not know, or an application user, is an error at its line', async () => {
    const dir = await dvProject(mappingsYaml([{ crm: systemUserId(1), outreach: 42 }, { crm: systemUserId(9), outreach: 61 }, { crm: systemUserId(7), outreach: 70 }]));
    const result = await runCli(['plan', '--format', 'json'], { cwd: dir, env: dvEnv() });
    expect(result.code).toBe(1);
    const errors = JSON.parse(result.stdout).errors as { code: string; line: number; message: string }[];
    expect(errors).toEqual([
      expect.objectContaining({ code: 'unknown-crm-user', file: 'mappings/team.yaml', line: 4 }),
      expect.objectContaining({ code: 'unknown-crm-user', file: 'mappings/team.yaml', line: 6 }),
    ]);
    expect(errors[1]!.message).toContain(systemUserId(7));
  });

  it('suggest never offers the application user for the seat with its address; Alan\'s seat gets Alan', async () => {
    const dir = await dvProject(mappingsYaml([{ crm: systemUserId(1), outreach: 42 }, { crm: systemUserId(2), outreach: 57 }]));
    const result = await runCli(['suggest', '--format', 'json'], { cwd: dir, env: dvEnv() });
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { suggestions: { crmUserId: string; outreachUserId: number }[] };
    expect(out.suggestions).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'add', reason: 'new-seat', crmUserId: systemUserId(3), outreachUserId: 61 })]));
    expect(out.suggestions.some((s) => s.crmUserId === systemUserId(7) || s.outreachUserId === 70)).toBe(false);
    expect(JSON.stringify(out)).not.toContain(systemUserId(7));
  });

  it('without Dynamics credentials one line says what to set', async () => {
    const dir = await dvProject(mappingsYaml([{ crm: systemUserId(1), outreach: 42 }]));
    const result = await runCli(['plan'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: directories\.crm is dynamics in mapsync\.config\.yaml, but no Dynamics 365 credentials \(DYNAMICS_URL, .*\) are in the environment\nhint: /);
  });
});
