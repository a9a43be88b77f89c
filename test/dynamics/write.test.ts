// Applying to a (fake) Dataverse org through the real CLI: $batch requests of at most 1,000
// independent PATCHes with continue-on-error, one PATCH per systemuser, per-row outcomes matched
// to their changes, the journal, the snapshot and restore, drift, and the lock.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeDataverse, systemUserId, type FakeDataverse } from '../fakes/dataverseServer.js';
import { spawnCli } from '../faults/cli.js';
import { cli, dvEnv, FIELD, outputs, project, range, seedOrg, type PlanJson } from './support.js';

let dv: FakeDataverse;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dv = await startFakeDataverse();
});
afterEach(async () => {
  await dv.close();
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => {
  for (const out of outputs) {
    expect(out.stdout + out.stderr).not.toContain(dv.clientSecret);
    for (const token of dv.issuedTokens) expect(out.stdout + out.stderr).not.toContain(token);
  }
});

const column = (n: number) => dv.users.get(systemUserId(n))![FIELD];
const batches = () => dv.dataRequests({ method: 'POST', pathIncludes: '$batch' });

async function setup(pairs: { crm: number; outreach: number }[]) {
  const p = await project(pairs);
  cleanups.push(p.cleanup);
  return p.dir;
}

async function planJson(dir: string): Promise<PlanJson> {
  const result = await cli(['plan', '--format', 'json'], dir, dvEnv(dv));
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as PlanJson;
}

describe('dynamics store: apply', () => {
  it('writes 2,300 new mappings in $batch requests of at most 1,000 with continue-on-error, then plans no changes', async () => {
    seedOrg(dv, 2300, () => null);
    const dir = await setup(range(1, 2300).map((n) => ({ crm: n, outreach: 5000 + n })));
    const result = await cli(['apply', '--auto-approve'], dir, dvEnv(dv));
    expect(result.code, result.stderr).toBe(0);
    expect(batches().map((r) => r.operations).sort()).toEqual([1000, 1000, 300]);
    expect(batches().every((r) => r.prefer === 'odata.continue-on-error')).toBe(true);
    // One token for the whole run; the plan's read and the stale check's read, one page each.
    expect(dv.tokenRequests).toHaveLength(1);
    expect(dv.dataRequests({ method: 'GET' })).toHaveLength(2);
    expect(dv.maxInFlight).toBeLessThanOrEqual(8);
    expect([column(1), column(2300)]).toEqual([5001, 7300]);
    const journal = (await readFile(join(dir, '.mapsync/journal.jsonl'), 'utf8')).trim().split('\n');
    expect(journal.filter((line) => line.includes('"action":"add"') && line.includes('"ok":true'))).toHaveLength(2300);
    expect((await planJson(dir)).summary).toMatchObject({ add: 0, remove: 0, unchanged: 2300 });
  });

  it('clears removed mappings first, in the same batch, and makes a re-pointed systemuser one PATCH of the new value', async () => {
    seedOrg(dv, 4, (n) => (n <= 3 ? n : null));
    // 1 stays, 2 is removed, 3 is re-pointed from 3 to 33, 4 is added.
    const dir = await setup([{ crm: 1, outreach: 1 }, { crm: 3, outreach: 33 }, { crm: 4, outreach: 4 }]);
    expect((await planJson(dir)).summary).toMatchObject({ add: 2, remove: 2, unchanged: 1 });
    const result = await cli(['apply', '--auto-approve'], dir, dvEnv(dv));
    expect(result.code, result.stderr).toBe(0);
    // One batch: the clear first, then the new values, carried out in that order.
    expect(batches().map((r) => r.operations)).toEqual([3]);
    expect(dv.columnChanges).toEqual([
      { id: systemUserId(2), column: FIELD, before: 2, after: null },
      { id: systemUserId(3), column: FIELD, before: 3, after: 33 },
      { id: systemUserId(4), column: FIELD, before: null, after: 4 },
    ]);
    const journal = await readFile(join(dir, '.mapsync/journal.jsonl'), 'utf8');
    const forUser3 = journal.split('\n').filter((line) => line.includes(systemUserId(3)));
    expect(forUser3.some((line) => line.includes('"remove"'))).toBe(true);
    expect(forUser3.some((line) => line.includes('"add"'))).toBe(true);
  });

  it('reports per-row failures against the right changes (exit 1), keeps the rest, and converges on a re-run', async () => {
    seedOrg(dv, 30, () => null);
    dv.writeFailures.set(systemUserId(7), { status: 400, code: '0x80040265', message: 'Outreach id must be unique (plug-in)', times: 1 });
    dv.writeFailures.set(systemUserId(21), { status: 403, code: '0x80040220', message: 'Principal user is missing prvWritesystemuser privilege', times: 1 });
    const dir = await setup(range(1, 30).map((n) => ({ crm: n, outreach: n })));
    const first = await cli(['apply', '--auto-approve'], dir, dvEnv(dv));
    expect(first.code).toBe(1);
    const failures = (first.stdout + first.stderr).split('\n').filter((line) => line.includes('0x8004'));
    expect(failures.some((line) => line.includes(systemUserId(7)) && line.includes('0x80040265'))).toBe(true);
    expect(failures.some((line) => line.includes(systemUserId(21)) && line.includes('0x80040220'))).toBe(true);
    expect([column(6), column(7), column(8), column(21)]).toEqual([6, null, 8, null]);
    const second = await cli(['apply', '--auto-approve'], dir, dvEnv(dv));
    expect(second.code, second.stderr).toBe(0);
    expect([column(7), column(21)]).toEqual([7, 21]);
  });

  it('sends rows that failed transiently again in a later batch, alone', async () => {
    seedOrg(dv, 10, () => null);
    dv.writeFailures.set(systemUserId(4), { status: 503, code: '0x80044150', message: 'Generic SQL error.', times: 1 });
    const dir = await setup(range(1, 10).map((n) => ({ crm: n, outreach: n })));
    const result = await cli(['apply', '--auto-approve'], dir, dvEnv(dv));
    expect(result.code, result.stderr).toBe(0);
    expect(batches().map((r) => r.operations)).toEqual([10, 1]);
    expect(column(4)).toBe(4);
  });

  it('waits out a 429 on a $batch for the whole org, then sends it again', async () => {
    seedOrg(dv, 5, () => null);
    let seen = 0;
    dv.faultHook = (method) => (method === 'POST' && seen++ === 0 ? { kind: 'throttle', retryAfterSeconds: 1 } : undefined);
    const dir = await setup(range(1, 5).map((n) => ({ crm: n, outreach: n })));
    const result = await cli(['apply', '--auto-approve'], dir, dvEnv(dv));
    expect(result.code, result.stderr).toBe(0);
    expect(batches().map((r) => r.status)).toEqual([429, 200]);
    expect(batches()[1]!.at - batches()[0]!.at).toBeGreaterThanOrEqual(900);
    expect(dv.earlyRequests).toEqual([]);
  });

  it('waits out a 429 on one row inside a $batch for its Retry-After, like a throttled batch, then sends that row again', async () => {
    seedOrg(dv, 5, () => null);
    dv.writeFailures.set(systemUserId(3), {
      status: 429,
      code: '0x80072322',
      message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
      times: 1,
      headers: { 'Retry-After': '1' },
    });
    const dir = await setup(range(1, 5).map((n) => ({ crm: n, outreach: n })));
    const result = await cli(['apply', '--auto-approve'], dir, dvEnv(dv));
    expect(result.code, result.stderr).toBe(0);
    expect(batches().map((r) => r.operations)).toEqual([5, 1]);
    expect(batches()[1]!.at - batches()[0]!.at).toBeGreaterThanOrEqual(900);
    expect(dv.earlyRequests).toEqual([]);
    expect(result.stderr).toContain('1 row(s) of the $batch of 5 systemuser update(s) was throttled (HTTP 429)');
    expect(range(1, 5).map(column)).toEqual([1, 2, 3, 4, 5]);
  });

  it('applies a saved plan, refuses it once stale, and restore brings the state before back', async () => {
    seedOrg(dv, 6, (n) => (n <= 3 ? n : null));
    const dir = await setup([{ crm: 1, outreach: 1 }, { crm: 5, outreach: 55 }]);
    expect((await cli(['plan', '--out', 'plan.json'], dir, dvEnv(dv))).code).toBe(0);
    dv.users.get(systemUserId(6))![FIELD] = 66; // someone maps user 6 in Dynamics meanwhile
    const stale = await cli(['apply', 'plan.json', '--auto-approve'], dir, dvEnv(dv));
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/changed since this plan was made/);
    expect(dv.columnChanges).toEqual([]);
    dv.users.get(systemUserId(6))![FIELD] = null;
    const applied = await cli(['apply', 'plan.json', '--auto-approve', '--force'], dir, dvEnv(dv));
    expect(applied.code, applied.stderr).toBe(0);
    expect([column(1), column(2), column(3), column(5)]).toEqual([1, null, null, 55]);
    const drift = await cli(['drift'], dir, dvEnv(dv));
    expect(drift.code).toBe(0);
    const snapshot = (await readFile(join(dir, '.mapsync/journal.jsonl'), 'utf8')).match(/"snapshot":"([^"]+)"/)![1]!;
    const restored = await cli(['restore', snapshot, '--auto-approve', '--force'], dir, dvEnv(dv));
    expect(restored.code, restored.stderr).toBe(0);
    expect([column(1), column(2), column(3), column(5)]).toEqual([1, 2, 3, null]);
    const driftAfter = await cli(['drift'], dir, dvEnv(dv));
    expect(driftAfter.code).toBe(2);
  });
});

describe('dynamics store: lock', () => {
  it('refuses a second apply while one holds the lock, and takes over a killed apply\'s lock at once', async () => {
    seedOrg(dv, 20, () => null);
    const dir = await setup(range(1, 20).map((n) => ({ crm: n, outreach: n })));
    // The first apply is held inside its write (the org has not done it yet) while the second is refused.
    dv.faultHook = (method) => (method === 'POST' ? { kind: 'delay-before', ms: 60_000 } : undefined);
    const first = spawnCli(['apply', '--auto-approve'], dir, dvEnv(dv));
    while (batches().length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await cli(['apply', '--auto-approve'], dir, dvEnv(dv));
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another mapsync apply against Dynamics 365 is running/);
    // Kill the holder mid-write: its lock is left behind, and a re-run takes it over at once.
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    dv.faultHook = undefined;
    const rerun = await cli(['apply', '--auto-approve'], dir, dvEnv(dv));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(column(20)).toBe(20);
  });
});
