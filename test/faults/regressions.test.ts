// One deterministic test per bug the fault schedules found, so each stays fixed on its own:
//  1. a Salesforce write request that never got an answer (cut off, timed out) and then failed
//     for good left no journal line, although the org may have made the change;
//  2. the same for Outreach (no answer, then a 4xx on the retry, or no answer at all);
//  3. Outreach requests had no timeout: a server that never answered hung apply forever;
//  4. a SIGKILLed apply's Salesforce / Outreach lock blocked every re-run for one to two minutes.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOutreach, type FakeOutreach } from '../fakes/outreachServer.js';
import { startFakeSalesforce, userId, type FakeSalesforce } from '../fakes/salesforceServer.js';
import { crmId } from '../outreach/helpers.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { applyOnce, configFor, desiredState, listPairs, pairKey, readJournal, tempStateDir, type RunSetup } from './harness.js';

const FIELD = 'Outreach_User_Id__c';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function salesforce(): Promise<{ org: FakeSalesforce; setup: RunSetup }> {
  const org = await startFakeSalesforce({ tokens: ['regression-token'] });
  for (let n = 1; n <= 3; n++) org.addUser({ Id: userId(n), Name: `User ${n}`, IsActive: true, [FIELD]: null });
  const state = tempStateDir();
  cleanups.push(() => org.close(), state.cleanup);
  const env = { SF_INSTANCE_URL: org.url, SF_ACCESS_TOKEN: 'regression-token', MAPSYNC_SALESFORCE_TIMEOUT_MS: '300', MAPSYNC_SALESFORCE_RETRY_MS: '1', MAPSYNC_SALESFORCE_RETRIES: '1' };
  return { org, setup: { spec: 'salesforce', config: configFor(state.dir), env: () => ({ ...env }) } };
}

async function outreach(): Promise<{ org: FakeOutreach; setup: RunSetup }> {
  const org = await startFakeOutreach({ users: [1, 2, 3].map((id) => ({ id, firstName: `U${id}`, custom1: null })), tokens: ['regression-token'] });
  const state = tempStateDir();
  cleanups.push(() => org.close(), state.cleanup);
  const env = { OUTREACH_API_URL: org.apiUrl, OUTREACH_ACCESS_TOKEN: 'regression-token', MAPSYNC_OUTREACH_TIMEOUT_MS: '200', MAPSYNC_OUTREACH_RETRY_MS: '1' };
  return { org, setup: { spec: 'outreach', config: configFor(state.dir), env: () => ({ ...env }) } };
}

// Two new mappings: Salesforce Users 1 and 2 to Outreach 11 and 12; Outreach users 1 and 2 to CRM 1 and 2.
const desired = (toId: typeof userId) => desiredState(toId === userId ? [{ crm: 1, outreach: 11 }, { crm: 2, outreach: 12 }] : [{ crm: 1, outreach: 1 }, { crm: 2, outreach: 2 }], toId);

describe('a write whose outcome is unknown is journaled as such', () => {
  it('Salesforce: every attempt cut off after the org wrote the records', async () => {
    const { org, setup } = await salesforce();
    org.faultHook = (method) => (method === 'PATCH' ? { kind: 'reset-after' } : undefined);
    const run = await applyOnce(setup, desired(userId));
    expect(run.failed).toBe(2);
    const journal = readJournal(setup.config.stateDir);
    expect(journal.map((j) => [j.action, j.crmUserId, j.ok])).toEqual([['add', userId(1), false], ['add', userId(2), false]]);
    for (const j of journal) expect(j.error).toMatch(/^outcome unknown: an attempt ended without an answer \(.*\) and may have been applied; run plan again to see$/);
    // The org did make them: the journal's "unknown" was the truthful answer.
    expect(await listPairs(setup)).toEqual([pairKey(userId(1), 11), pairKey(userId(2), 12)]);
  });

  it('Salesforce: the first attempt timed out after the write, the retry hit the org API limit', async () => {
    const { org, setup } = await salesforce();
    let patches = 0;
    org.faultHook = (method) => {
      if (method !== 'PATCH') return undefined;
      patches++;
      return patches === 1 ? { kind: 'delay-after', ms: 800 } : { kind: 'status', status: 403, body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }] };
    };
    const run = await applyOnce(setup, desired(userId));
    expect(run.failed).toBe(2);
    const journal = readJournal(setup.config.stateDir);
    expect(journal).toHaveLength(2);
    for (const j of journal) expect(j.error).toMatch(/^outcome unknown: .*request timed out/);
    expect(org.fieldChanges.map((c) => c.id)).toEqual([userId(1), userId(2)]);
    // REQUEST_LIMIT_EXCEEDED is a stop: the write that met it was not sent again.
    expect(org.dataRequests({ method: 'PATCH' })).toHaveLength(2);
  });

  it('Outreach: no answer, then a 422 on the retry', async () => {
    const { org, setup } = await outreach();
    const seen = new Map<string, number>();
    org.faultHook = (method, path) => {
      if (method !== 'PATCH') return undefined;
      const n = (seen.get(path) ?? 0) + 1;
      seen.set(path, n);
      return n === 1 ? { kind: 'reset-after' } : { kind: 'status', fault: { status: 422 } };
    };
    const run = await applyOnce(setup, desired(crmId));
    expect(run.failed).toBe(2);
    const journal = readJournal(setup.config.stateDir);
    expect(journal).toHaveLength(2);
    for (const j of journal) expect(j.error).toMatch(/422 .*; outcome unknown: an earlier attempt got no answer \(.*\) and may have been applied$/);
    expect(org.attributeChanges.map((c) => c.id).sort()).toEqual([1, 2]);
  });

  it('Outreach: a server that never answers ends the apply at the timeout, with the write journaled as unknown', async () => {
    const { org, setup } = await outreach();
    org.faultHook = (method) => (method === 'PATCH' ? { kind: 'delay-after', ms: 5_000 } : undefined);
    const run = await applyOnce(setup, desired(crmId));
    expect(run.error).toMatch(/apply stopped after \d of 2 changes: cannot reach Outreach at .*/);
    const journal = readJournal(setup.config.stateDir);
    expect(journal.length).toBeGreaterThanOrEqual(1);
    for (const j of journal) expect(j.error).toMatch(/^outcome unknown: cannot reach Outreach at .*; the write may have been applied$/);
    // Each PATCH was tried 1 + 4 times, every one abandoned at the 200 ms deadline.
    expect(org.log.filter((r) => r.method === 'PATCH').length).toBeGreaterThanOrEqual(5);
  });
});

describe('a killed apply does not lock out the re-run', () => {
  for (const spec of ['salesforce', 'outreach'] as const) {
    it(`${spec}: the lock of a SIGKILLed holder is taken over at once`, async () => {
      const state = tempStateDir();
      cleanups.push(state.cleanup);
      const env = spec === 'salesforce' ? { SF_INSTANCE_URL: 'http://127.0.0.1:9', SF_ACCESS_TOKEN: 'unused' } : { OUTREACH_API_URL: 'http://127.0.0.1:9', OUTREACH_ACCESS_TOKEN: 'unused' };
      const script = `
        const { openStore } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/stores/index.js'))});
        const { DEFAULT_CONFIG } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/config.js'))});
        const log = { info() {}, warn() {}, debug() {} };
        const store = await openStore(${JSON.stringify(spec)}, { config: { ...DEFAULT_CONFIG, stateDir: ${JSON.stringify(state.dir)} }, env: ${JSON.stringify(env)}, log });
        await store.lock();
        process.stdout.write('locked\\n');
        setInterval(() => {}, 1000);`;
      const holder = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
        holder.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
      });
      const { openStore } = await import('../../dist/stores/index.js');
      const store = await openStore(spec, { config: configFor(state.dir), env, log: { info() {}, warn() {}, debug() {} } });
      // While the holder lives, the lock is refused with a clear message.
      await expect(store.lock()).rejects.toThrow(spec === 'salesforce' ? /another mapsync apply against Salesforce is running/ : /another mapsync apply against Outreach is running/);
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('close', resolve));
      const release = await store.lock();
      await release();
    });
  }
});
