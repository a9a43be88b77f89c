// Applying to a (fake) Salesforce org: sObject Collections writes of at most 200 records, one
// write per User, per-record outcomes, partial failures that converge on a re-run.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSalesforce, userId, type FakeSalesforce } from '../fakes/salesforceServer.js';
import { cli, outputs, project, range, seedOrg, tokenEnv, TOKEN, type PlanJson } from './support.js';

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

const field = (n: number) => sf.users.get(userId(n))!.Outreach_User_Id__c;
const patches = () => sf.dataRequests({ method: 'PATCH' });

async function setup(pairs: { crm: number; outreach: number }[]) {
  const p = await project(pairs);
  cleanups.push(p.cleanup);
  return p.dir;
}

async function planJson(dir: string): Promise<PlanJson> {
  const result = await cli(['plan', '--store', 'salesforce', '--format', 'json'], dir, tokenEnv(sf));
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as PlanJson;
}

describe('salesforce store: apply', () => {
  it('writes 260 new mappings in requests of at most 200 records, then plans no changes', async () => {
    seedOrg(sf, 260, () => null);
    const dir = await setup(range(1, 260).map((n) => ({ crm: n, outreach: 1000 + n })));
    const result = await cli(['apply', '--store', 'salesforce', '--auto-approve'], dir, tokenEnv(sf));
    expect(result.code).toBe(0);
    expect(patches().map((r) => r.count)).toEqual([200, 60]);
    expect(field(1)).toBe('1001');
    expect(field(260)).toBe('1260');
    const journal = (await readFile(join(dir, '.mapsync/journal.jsonl'), 'utf8')).trim().split('\n');
    expect(journal.filter((line) => line.includes('"add"')).length).toBeGreaterThanOrEqual(260);
    const after = await planJson(dir);
    expect(after.summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 260 });
  });

  it('clears removed mappings and makes a re-pointed User one write of the new value', async () => {
    seedOrg(sf, 4, (n) => (n <= 3 ? String(n) : null));
    // 1 stays, 2 is removed, 3 is re-pointed from 3 to 33, 4 is added.
    const dir = await setup([{ crm: 1, outreach: 1 }, { crm: 3, outreach: 33 }, { crm: 4, outreach: 4 }]);
    const before = await planJson(dir);
    expect(before.summary).toEqual({ add: 2, remove: 2, replace: 1, unchanged: 1 });
    const result = await cli(['apply', '--store', 'salesforce', '--auto-approve'], dir, tokenEnv(sf));
    expect(result.code).toBe(0);
    // Each User once: the clear of 2 first, in its own request, then the new values of 3 and 4.
    expect(patches().map((r) => r.ids)).toEqual([[userId(2)], [userId(3), userId(4)]]);
    expect([field(1), field(2), field(3), field(4)]).toEqual(['1', null, '33', '4']);
    // The merged write reports both of its changes.
    const journal = await readFile(join(dir, '.mapsync/journal.jsonl'), 'utf8');
    const forUser3 = journal.split('\n').filter((line) => line.includes(userId(3)));
    expect(forUser3.some((line) => line.includes('"remove"'))).toBe(true);
    expect(forUser3.some((line) => line.includes('"add"'))).toBe(true);
    expect((await planJson(dir)).summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 3 });
  });

  it('reports a partial failure (exit 1), keeps the records that succeeded, and converges on a re-run', async () => {
    seedOrg(sf, 30, () => null);
    sf.writeFailures.set(userId(7), { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Outreach id must be unique', times: 1 });
    sf.writeFailures.set(userId(21), { statusCode: 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY', message: 'insufficient access rights on object id', times: 1 });
    const dir = await setup(range(1, 30).map((n) => ({ crm: n, outreach: n })));
    const first = await cli(['apply', '--store', 'salesforce', '--auto-approve'], dir, tokenEnv(sf));
    expect(first.code).toBe(1);
    const text = first.stdout + first.stderr;
    expect(text).toContain(userId(7));
    expect(text).toContain('FIELD_CUSTOM_VALIDATION_EXCEPTION');
    expect(text).toContain(userId(21));
    expect(field(7)).toBeNull();
    expect(field(21)).toBeNull();
    expect(field(8)).toBe('8');
    // A failed record is not re-sent within the run: it is not a transient failure.
    expect(patches()).toHaveLength(1);

    const rerun = await cli(['apply', '--store', 'salesforce', '--auto-approve'], dir, tokenEnv(sf));
    expect(rerun.code).toBe(0);
    expect(patches()[1]!.ids).toEqual([userId(7), userId(21)]);
    expect((await planJson(dir)).summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 30 });
  });

  it('re-sends only the records that failed with UNABLE_TO_LOCK_ROW, alone, in a later request', async () => {
    seedOrg(sf, 5, () => null);
    sf.writeFailures.set(userId(2), { statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record', times: 1 });
    const dir = await setup(range(1, 5).map((n) => ({ crm: n, outreach: n })));
    const result = await cli(['apply', '--store', 'salesforce', '--auto-approve'], dir, tokenEnv(sf));
    expect(result.code).toBe(0);
    expect(patches().map((r) => r.ids)).toEqual([range(1, 5).map(userId), [userId(2)]]);
    expect(field(2)).toBe('2');
  });

  it('retries a write batch that got 503 and sends each record once it has an outcome', async () => {
    seedOrg(sf, 3, () => null);
    sf.inject({ match: (method) => method === 'PATCH', status: 503, body: [{ message: 'Server is busy', errorCode: 'SERVER_UNAVAILABLE' }], times: 2 });
    const dir = await setup(range(1, 3).map((n) => ({ crm: n, outreach: n })));
    const result = await cli(['apply', '--store', 'salesforce', '--auto-approve'], dir, tokenEnv(sf));
    expect(result.code).toBe(0);
    expect(patches().map((r) => r.status)).toEqual([503, 503, 200]);
    expect(result.stderr).toContain('retrying');
    expect([field(1), field(2), field(3)]).toEqual(['1', '2', '3']);
  });

  it('matches results by position: a failed record whose result carries no id is reported for the right change', async () => {
    seedOrg(sf, 3, () => null);
    const dir = await setup(range(1, 3).map((n) => ({ crm: n, outreach: n })));
    expect((await cli(['plan', '--store', 'salesforce', '--out', 'plan.json'], dir, tokenEnv(sf))).code).toBe(0);
    // User 2 is deleted after the plan was made; Salesforce answers its record without an id.
    sf.users.delete(userId(2));
    const applied = await cli(['apply', 'plan.json', '--store', 'salesforce'], dir, tokenEnv(sf));
    expect(applied.code).toBe(1);
    const failures = (applied.stdout + applied.stderr).split('\n').filter((line) => line.includes('INVALID_CROSS_REFERENCE_KEY'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain(userId(2));
    expect([field(1), field(3)]).toEqual(['1', '3']);
  });

  it('applies a saved plan file', async () => {
    seedOrg(sf, 2, () => null);
    const dir = await setup([{ crm: 1, outreach: 9 }]);
    const planned = await cli(['plan', '--store', 'salesforce', '--out', 'plan.json'], dir, tokenEnv(sf));
    expect(planned.code).toBe(0);
    const applied = await cli(['apply', 'plan.json', '--store', 'salesforce'], dir, tokenEnv(sf));
    expect(applied.code).toBe(0);
    expect(field(1)).toBe('9');
  });
});
