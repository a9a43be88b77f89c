// End to end through the real CLI against the fake Salesforce and Outreach servers:
//  - SIGKILL of `apply` while writes are in flight (at the k-th write request, chosen by the
//    seed): the org holds only planned changes, a re-run right away converges, and
//    `mapsync restore` of the first snapshot brings the state before back;
//  - seeded random fault schedules (as in the in-process suites) with `apply` re-run at most
//    twice, the journal checked against the servers' write histories, and `mapsync restore`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/cli.js';
import { startFakeOutreach, type FakeOutreach } from '../fakes/outreachServer.js';
import { startFakeSalesforce, userId, type FakeSalesforce } from '../fakes/salesforceServer.js';
import { crmId } from '../outreach/helpers.js';
import { describeRun, journalLines, mappingsYaml, runCliIn, spawnCli } from './cli.js';
import {
  BASE_SEED, checkHistory, hashSeed, makeScenario, pairKey, prng, readJournal, snapshotPairs, snapshots, type Effect, type Scenario,
} from './harness.js';

const KILLS = Number(process.env.FAULT_SCHEDULES_HTTP_KILL ?? 5);
const FAULTED = Number(process.env.FAULT_SCHEDULES_HTTP_CLI ?? 4);
const FIELD = 'Outreach_User_Id__c';
// Long enough that a busy CI machine does not time out ordinary answers; injected delays go well beyond it.
const TIMEOUT_MS = 500;

interface Org {
  kind: 'salesforce' | 'outreach';
  env: Record<string, string>;
  pairs(): string[];
  effects(from?: number): Effect[];
  historyLength(): number;
  /** 'fault0' answers an error, 'fault1' drops the connection after the work, 'fault2' answers too late. */
  setHook(hook: ((method: string, path: string) => 'kill' | 'fault0' | 'fault1' | 'fault2' | undefined) | undefined): void;
  close(): Promise<void>;
}

async function salesforceOrg(scenario: Scenario): Promise<Org> {
  const org: FakeSalesforce = await startFakeSalesforce({ tokens: ['sf-cli-fault-token'] });
  for (let n = 1; n <= scenario.crmUsers; n++) {
    const live = scenario.live.find((p) => p.crm === n);
    org.addUser({ Id: userId(n), Name: `User ${n}`, IsActive: true, [FIELD]: live ? String(live.outreach) : null });
  }
  return {
    kind: 'salesforce',
    env: { SF_INSTANCE_URL: org.url, SF_ACCESS_TOKEN: 'sf-cli-fault-token', MAPSYNC_SALESFORCE_TIMEOUT_MS: String(TIMEOUT_MS), MAPSYNC_SALESFORCE_RETRY_MS: '2' },
    pairs: () => [...org.users.values()].filter((u) => u[FIELD] !== null && u[FIELD] !== undefined).map((u) => pairKey(u.Id, Number(u[FIELD]))).sort(),
    effects: (from = 0) => org.fieldChanges.slice(from).flatMap((c) => [
      ...(c.before !== null ? [{ action: 'remove' as const, key: pairKey(c.id, Number(c.before)) }] : []),
      ...(c.after !== null ? [{ action: 'add' as const, key: pairKey(c.id, Number(c.after)) }] : []),
    ]),
    historyLength: () => org.fieldChanges.length,
    setHook: (hook) => {
      org.faultHook = hook && ((method, path) => {
        const what = hook(method, path);
        if (what === 'kill' || what === 'fault1') return { kind: 'reset-after' };
        if (what === 'fault2') return { kind: 'delay-after', ms: TIMEOUT_MS + 300 };
        if (what === 'fault0') return { kind: 'status', status: 503, body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'busy' }] };
        return undefined;
      });
    },
    close: () => org.close(),
  };
}

async function outreachOrg(scenario: Scenario): Promise<Org> {
  const users = Array.from({ length: scenario.outreachUsers }, (_, i) => {
    const live = scenario.live.find((p) => p.outreach === i + 1);
    return { id: i + 1, firstName: `First${i + 1}`, lastName: 'Last', custom1: live ? crmId(live.crm) : null };
  });
  const org: FakeOutreach = await startFakeOutreach({ users, tokens: ['or-cli-fault-token'] });
  return {
    kind: 'outreach',
    env: { OUTREACH_API_URL: org.apiUrl, OUTREACH_ACCESS_TOKEN: 'or-cli-fault-token', MAPSYNC_OUTREACH_TIMEOUT_MS: String(TIMEOUT_MS), MAPSYNC_OUTREACH_RETRY_MS: '2' },
    pairs: () => [...org.users.values()].filter((u) => typeof u.custom1 === 'string').map((u) => pairKey(String(u.custom1), u.id)).sort(),
    effects: (from = 0) => org.attributeChanges.slice(from).filter((c) => c.attribute === 'custom1').flatMap((c) => [
      ...(c.before !== null ? [{ action: 'remove' as const, key: pairKey(String(c.before), c.id) }] : []),
      ...(c.after !== null ? [{ action: 'add' as const, key: pairKey(String(c.after), c.id) }] : []),
    ]),
    historyLength: () => org.attributeChanges.length,
    setHook: (hook) => {
      org.faultHook = hook && ((method, path) => {
        const what = hook(method, path);
        if (what === 'kill' || what === 'fault1') return { kind: 'reset-after' };
        if (what === 'fault2') return { kind: 'delay-after', ms: TIMEOUT_MS + 300 };
        if (what === 'fault0') return { kind: 'status', fault: { status: 429, retryAfter: 0 } };
        return undefined;
      });
    },
    close: () => org.close(),
  };
}

/** How many write requests the plan takes (Salesforce: 200 records a request, clears apart; Outreach: one a user). */
function writeRequests(kind: Org['kind'], scenario: Scenario): number {
  const side = (p: { crm: number; outreach: number }) => (kind === 'salesforce' ? p.crm : p.outreach);
  const other = (p: { crm: number; outreach: number }) => (kind === 'salesforce' ? p.outreach : p.crm);
  const live = new Map(scenario.live.map((p) => [side(p), other(p)]));
  const desired = new Map(scenario.desired.map((p) => [side(p), other(p)]));
  const clears = [...live.keys()].filter((k) => !desired.has(k)).length;
  const sets = [...desired].filter(([k, v]) => live.get(k) !== v).length;
  return kind === 'salesforce' ? Math.ceil(clears / 200) + Math.ceil(sets / 200) : clears + sets;
}

const idOf = (kind: Org['kind']) => (kind === 'salesforce' ? userId : crmId);

async function schedule(kind: Org['kind'], mode: 'kill' | 'faults', index: number): Promise<void> {
  const seed = BASE_SEED * 1000 + (kind === 'salesforce' ? 900 : 950) + (mode === 'kill' ? 0 : 25) + index;
  const rng = prng(seed);
  const why = (what: string) => `${kind} ${mode} seed ${seed} (FAULT_SEED=${BASE_SEED}, schedule ${index}): ${what}`;
  // Salesforce writes 200 records a request: enough users for several write requests.
  const size = kind === 'salesforce' ? rng.pick([450, 700]) : rng.pick([40, 80]);
  const scenario = makeScenario(rng, size, size);
  const toId = idOf(kind);
  const desired = scenario.desired.map((p) => ({ crmUserId: toId(p.crm), outreachUserId: p.outreach }));
  const wanted = desired.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();
  const before = scenario.live.map((p) => pairKey(toId(p.crm), p.outreach)).sort();
  const plannedRemoves = new Set(before.filter((k) => !wanted.includes(k)));
  const org = kind === 'salesforce' ? await salesforceOrg(scenario) : await outreachOrg(scenario);
  const project = await makeProject({ 'mappings/team.yaml': mappingsYaml(desired) });
  const stateDir = join(project.dir, '.mapsync');
  mkdirSync(stateDir, { recursive: true });
  const apply = ['apply', '--store', kind, '--auto-approve', '--force'];
  try {
    if (mode === 'kill') {
      const killAt = 1 + rng.int(Math.min(12, writeRequests(kind, scenario)));
      let writes = 0;
      const running = spawnCli(apply, project.dir, org.env);
      org.setHook((method) => {
        if (method !== 'PATCH' || ++writes !== killAt) return undefined;
        // The org carries this write out; the CLI dies before it hears back.
        running.child.kill('SIGKILL');
        return 'kill';
      });
      const killed = await running.done;
      org.setHook(undefined);
      expect(killed.signal, why(`killed at write request ${killAt}: ${describeRun(killed)}`)).toBe('SIGKILL');
      expect(() => journalLines(stateDir), why('journal lines parse')).not.toThrow();
      const rerun = await runCliIn(apply, project.dir, org.env);
      expect(rerun.code, why(`re-run right after the kill: ${describeRun(rerun)}`)).toBe(0);
    } else {
      let phase = 0;
      const counts = new Map<string, number>();
      org.setHook((method, path) => {
        const key = `${phase}\u0000${method}\u0000${path.split('?')[0]}`;
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        const r = prng(hashSeed(seed, key, n));
        return r.chance([0.3, 0.15, 0][phase] ?? 0) ? r.pick(['fault0', 'fault1', 'fault2'] as const) : undefined;
      });
      for (phase = 0; phase < 3; phase++) {
        const run = await runCliIn(apply, project.dir, org.env);
        if (run.code === 0) break;
        expect(phase, why(`apply still failing after two re-runs: ${describeRun(run)}`)).toBeLessThan(2);
      }
      org.setHook(undefined);
      expect(checkHistory(org.effects(), { changes: [...plannedRemoves].map((k) => ({ action: 'remove', crmUserId: k.split('\t')[0]!, outreachUserId: Number(k.split('\t')[1]) })) } as never, readJournal(stateDir)), why('history and journal')).toEqual([]);
    }
    expect(org.pairs(), why('live equals desired')).toEqual(wanted);
    for (const e of org.effects()) if (e.action === 'remove') expect(plannedRemoves.has(e.key), why(`removed ${e.key}, which was not planned`)).toBe(true);

    const snapshot = snapshots(stateDir)[0];
    expect(snapshot, why('a snapshot was written')).toBeDefined();
    expect(snapshotPairs(snapshot!), why('the first snapshot is the state before')).toEqual(before);
    // No --store: restore goes to the store the snapshot was taken of.
    const restored = await runCliIn(['restore', snapshot!, '--auto-approve', '--force'], project.dir, org.env);
    expect(restored.code, why(`restore: ${describeRun(restored)}`)).toBe(0);
    expect(org.pairs(), why('restore brings back the state before')).toEqual(before);
    const again = await runCliIn(['restore', snapshot!, '--auto-approve'], project.dir, org.env);
    expect(again.stdout, why('a second restore has nothing to do')).toMatch(/No changes/);
  } finally {
    await org.close();
    await project.cleanup();
  }
}

for (const kind of ['salesforce', 'outreach'] as const) {
  describe(`${kind} through the CLI`, () => {
    for (let i = 0; i < KILLS; i++) {
      it(`SIGKILL while writes are in flight (schedule ${i}): planned changes only, a re-run converges, restore`, () => schedule(kind, 'kill', i));
    }
    for (let i = 0; i < FAULTED; i++) {
      it(`seeded faults (schedule ${i}): at most two re-runs converge, journal matches history, restore`, () => schedule(kind, 'faults', i));
    }
  });
}
