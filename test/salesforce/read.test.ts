// Reading the live mappings and the CRM directory from a (fake) Salesforce org through the real
// CLI and the real jsforce over HTTP.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSalesforce, userId, type FakeSalesforce } from '../fakes/salesforceServer.js';
import { cli, outputs, project, range, tokenEnv, TOKEN, type PlanJson } from './support.js';

let sf: FakeSalesforce;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  sf = await startFakeSalesforce({ tokens: [TOKEN] });
});
afterEach(async () => {
  await sf.close();
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => {
  for (const out of outputs) expect(out.stdout + out.stderr).not.toContain(TOKEN);
});

async function plan(pairs: { crm: number; outreach: number }[], extraFiles: Record<string, string> = {}, args: string[] = []) {
  const p = await project(pairs, extraFiles);
  cleanups.push(p.cleanup);
  const result = await cli(['plan', '--store', 'salesforce', '--format', 'json', ...args], p.dir, tokenEnv(sf));
  return { result, json: result.stdout ? (JSON.parse(result.stdout) as PlanJson) : undefined, dir: p.dir };
}

describe('salesforce store: list', () => {
  it('follows nextRecordsUrl across three batches and reuses the names it read (no per-user look-ups)', async () => {
    for (const n of range(1, 4500)) sf.addUser({ Id: userId(n), Name: `User ${n}`, IsActive: true, Outreach_User_Id__c: String(n) });
    sf.addUser({ Id: userId(9999), Name: 'Not mapped', IsActive: true, Outreach_User_Id__c: null });
    const { result, json } = await plan(range(1, 4500).map((n) => ({ crm: n, outreach: n })));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(json!.summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 4500 });
    const queries = sf.dataRequests({ method: 'GET' });
    expect(queries).toHaveLength(3);
    expect(queries[0]!.path).toContain('/query?q=');
    expect(queries[1]!.path).toMatch(/\/query\/01gFAKE[0-9a-f]+-2000$/);
    expect(queries[2]!.path).toMatch(/-4000$/);
    // Every desired user was in the store's answer: the directory asks Salesforce nothing more.
    expect(sf.dataRequests({ method: 'POST' })).toHaveLength(0);
  });

  it('looks up unmapped desired users 2,000 IDs a request in the body, never near the URI limit', async () => {
    for (const n of range(1, 3100)) sf.addUser({ Id: userId(n), Name: `User ${n}`, IsActive: n !== 7, Outreach_User_Id__c: n <= 50 ? String(n) : null });
    const { result, json } = await plan(range(1, 3100).map((n) => ({ crm: n, outreach: n })));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(json!.summary).toEqual({ add: 3050, remove: 0, replace: 0, unchanged: 50 });
    const lookups = sf.dataRequests({ method: 'POST', pathIncludes: '/composite/sobjects/User' });
    expect(lookups.map((r) => r.count)).toEqual([2000, 1050]);
    expect(sf.log.every((r) => r.status !== 414 && Buffer.byteLength(r.path) <= 16_384)).toBe(true);
    // The directory's answer feeds the checks: user 7 is inactive in Salesforce.
    expect(json!.warnings.filter((w) => w.code === 'crm-user-inactive').map((w) => w.crmUserId)).toEqual([userId(7)]);
  });

  it('warns about field values that are not Outreach ids and does not take them as mappings', async () => {
    const values: Record<number, unknown> = { 1: '11', 2: 'abc', 3: '0', 4: '-3', 5: '4.5', 6: ' 16 ' };
    for (const [n, value] of Object.entries(values)) sf.addUser({ Id: userId(Number(n)), Name: `User ${n}`, IsActive: true, Outreach_User_Id__c: value });
    const { result, json } = await plan([{ crm: 1, outreach: 11 }, { crm: 2, outreach: 12 }, { crm: 6, outreach: 16 }]);
    expect(result.code).toBe(0);
    const invalid = json!.warnings.filter((w) => w.code === 'live-invalid-value');
    expect(invalid.map((w) => w.crmUserId).sort()).toEqual([2, 3, 4, 5].map(userId).sort());
    expect(invalid.find((w) => w.crmUserId === userId(2))!.message).toContain('Outreach_User_Id__c = "abc"');
    // User 2's bad value is not a mapping: the desired mapping is an add that overwrites it.
    expect(json!.changes).toEqual([expect.objectContaining({ action: 'add', crmUserId: userId(2), outreachUserId: 12 })]);
    expect(json!.summary).toEqual({ add: 1, remove: 0, replace: 0, unchanged: 2 });
  });

  it('reports a desired user Salesforce does not know as an error naming file and line', async () => {
    sf.addUser({ Id: userId(1), Name: 'User 1', IsActive: true, Outreach_User_Id__c: null });
    const p = await project([{ crm: 1, outreach: 1 }, { crm: 2, outreach: 2 }]);
    cleanups.push(p.cleanup);
    const result = await cli(['plan', '--store', 'salesforce'], p.dir, tokenEnv(sf));
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain('mappings/team.yaml:4');
    expect(result.stdout + result.stderr).toContain(userId(2));
  });

  it('uses the configured field (salesforce.field) for reads', async () => {
    await sf.close();
    sf = await startFakeSalesforce({ tokens: [TOKEN], customFields: ['Outreach_Id__c'] });
    sf.addUser({ Id: userId(1), Name: 'User 1', IsActive: true, Outreach_Id__c: '5' });
    const { result, json } = await plan([{ crm: 1, outreach: 5 }], { 'mapsync.config.yaml': 'salesforce:\n  field: Outreach_Id__c\n' }, ['--debug']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('debug: Salesforce: 1 User(s) with Outreach_Id__c set; 1 request(s) so far, org API usage 1001/15000 today');
    expect(json!.summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 1 });
    expect(sf.dataRequests()[0]!.path).toContain('Outreach_Id__c');
  });

  it('reads the field whatever the letter case of its configured name (Salesforce names are case-insensitive)', async () => {
    sf.addUser({ Id: userId(1), Name: 'User 1', IsActive: true, Outreach_User_Id__c: '5' });
    const { result, json } = await plan([{ crm: 1, outreach: 5 }], { 'mapsync.config.yaml': 'salesforce:\n  field: outreach_user_id__C\n' });
    expect(result.code).toBe(0);
    expect(json!.summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 1 });
  });

  it('takes the field from the store spec (--store salesforce:FIELD) and names it in the plan', async () => {
    await sf.close();
    sf = await startFakeSalesforce({ tokens: [TOKEN], customFields: ['Outreach_Id__c'] });
    sf.addUser({ Id: userId(1), Name: 'User 1', IsActive: true, Outreach_Id__c: '5' });
    const p = await project([{ crm: 1, outreach: 6 }]);
    cleanups.push(p.cleanup);
    const result = await cli(['plan', '--store', 'salesforce:Outreach_Id__c', '--format', 'json'], p.dir, tokenEnv(sf));
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as PlanJson & { store: string };
    expect(json.store).toBe('salesforce:Outreach_Id__c');
    expect(json.summary).toEqual({ add: 1, remove: 1, replace: 1, unchanged: 0 });
  });

  it('checks a file store plan against Salesforce when Salesforce credentials are present', async () => {
    sf.addUser({ Id: userId(1), Name: 'Ada Lovelace', IsActive: false, Outreach_User_Id__c: null });
    const p = await project([{ crm: 1, outreach: 1 }, { crm: 2, outreach: 2 }]);
    cleanups.push(p.cleanup);
    const result = await cli(['plan', '--format', 'json'], p.dir, tokenEnv(sf));
    // User 2 is unknown to Salesforce (error); user 1 is known but inactive.
    expect(result.stdout + result.stderr).toContain(userId(2));
    expect(result.code).toBe(1);
    const lookups = sf.dataRequests({ method: 'POST' });
    expect(lookups).toHaveLength(1);
    expect(lookups[0]!.count).toBe(2);
    expect(sf.dataRequests({ method: 'GET' })).toHaveLength(0);
  });
});

describe('salesforce API version', () => {
  it('uses SF_API_VERSION for every request', async () => {
    await sf.close();
    sf = await startFakeSalesforce({ tokens: [TOKEN], apiVersion: '61.0' });
    sf.addUser({ Id: userId(1), Name: 'User 1', IsActive: true, Outreach_User_Id__c: '1' });
    const p = await project([{ crm: 1, outreach: 1 }]);
    cleanups.push(p.cleanup);
    const result = await cli(['plan', '--store', 'salesforce'], p.dir, tokenEnv(sf, { SF_API_VERSION: '61.0' }));
    expect(result.code).toBe(0);
    expect(sf.log.every((r) => r.path.startsWith('/services/data/v61.0/'))).toBe(true);
  });

  it('refuses an SF_API_VERSION that is not a version', async () => {
    const p = await project([{ crm: 1, outreach: 1 }]);
    cleanups.push(p.cleanup);
    const result = await cli(['plan', '--store', 'salesforce'], p.dir, tokenEnv(sf, { SF_API_VERSION: 'latest' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: SF_API_VERSION "latest" is not an API version');
    expect(sf.log).toHaveLength(0);
  });
});

describe('salesforce store: import and drift', () => {
  it('imports the live mappings as YAML that plans no changes, and drift agrees', async () => {
    for (const n of range(1, 5)) sf.addUser({ Id: userId(n), Name: `User ${n}`, IsActive: true, Outreach_User_Id__c: n <= 3 ? String(40 + n) : null });
    const p = await project([]);
    cleanups.push(p.cleanup);
    const driftBefore = await cli(['drift', '--store', 'salesforce'], p.dir, tokenEnv(sf));
    expect(driftBefore.code).toBe(2);
    const imported = await cli(['import', '--store', 'salesforce', '--out', 'mappings/imported.yaml'], p.dir, tokenEnv(sf));
    expect(imported.stderr).toContain('Wrote 3 mappings from salesforce to mappings/imported.yaml');
    expect(imported.code).toBe(0);
    const after = await cli(['plan', '--store', 'salesforce', '--format', 'json'], p.dir, tokenEnv(sf));
    expect(after.code).toBe(0);
    expect((JSON.parse(after.stdout) as PlanJson).summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 3 });
    const driftAfter = await cli(['drift', '--store', 'salesforce'], p.dir, tokenEnv(sf));
    expect(driftAfter.code).toBe(0);
    // Nothing but apply writes: four commands, no PATCH.
    expect(sf.dataRequests({ method: 'PATCH' })).toHaveLength(0);
  });
});

describe('fake Salesforce server', () => {
  const patch = (records: Record<string, unknown>[]) =>
    fetch(`${sf.url}/services/data/v62.0/composite/sobjects`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ allOrNone: false, records }),
    });

  it('rejects a collection write over 200 records or naming a User twice, as Salesforce does', async () => {
    const record = (n: number) => ({ attributes: { type: 'User' }, id: userId(n), Outreach_User_Id__c: '1' });
    const tooMany = await patch(range(1, 201).map(record));
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual([expect.objectContaining({ errorCode: 'EXCEEDED_ID_LIMIT' })]);
    const twice = await patch([record(1), record(1)]);
    expect(twice.status).toBe(400);
  });

  it('answers per record, in order, without an id for a failed record', async () => {
    sf.addUser({ Id: userId(1), Name: 'User 1', IsActive: true, Outreach_User_Id__c: null });
    const res = await patch([
      { attributes: { type: 'User' }, id: userId(2), Outreach_User_Id__c: '2' },
      { attributes: { type: 'User' }, id: userId(1), Outreach_User_Id__c: '1' },
    ]);
    expect(await res.json()).toEqual([
      { success: false, errors: [expect.objectContaining({ statusCode: 'INVALID_CROSS_REFERENCE_KEY' })] },
      { id: userId(1), success: true, errors: [] },
    ]);
  });

  it('answers 414 to a URI over 16,384 bytes, as Salesforce does', async () => {
    const res = await fetch(`${sf.url}/services/data/v62.0/query?q=${'x'.repeat(16_400)}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(414);
  });
});
