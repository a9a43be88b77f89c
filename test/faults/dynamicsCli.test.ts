// End to end through the real CLI against the fake Dataverse org, like httpCli.test.ts does for
// Salesforce and Outreach:
//  - SIGKILL of `apply` while a $batch is in flight (the org carries it out, the CLI never hears
//    back): the org holds only planned changes, the killed apply's lock is taken over at once by
//    a re-run that converges, and `mapsync restore` of the first snapshot brings the state back;
//  - seeded fault schedules (5xx, resets after the work, late answers, 429, expiring tokens) with
//    `apply` re-run at most twice, the journal checked against the org's write history.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/cli.js';
import { startFakeDataverse, systemUserId, type FakeDataverse, type NetworkFault } from '../fakes/dataverseServer.js';
import { describeRun, journalLines, mappingsYaml, runCliIn, spawnCli } from './cli.js';
import { BASE_SEED, checkHistory, hashSeed, makeScenario, pairKey, prng, readJournal, snapshotPairs, snapshots, type Effect } from './harness.js';

const KILLS = Number(process.env.FAULT_SCHEDULES_DYNAMICS_KILL ?? 3);
const FAULTED = Number(process.env.FAULT_SCHEDULES_DYNAMICS_CLI ?? 3);
const FIELD = 'new_outreachuserid';
const TIMEOUT_MS = 500;

const pairsOf = (org: FakeDataverse) => [...org.users.values()].filter((u) => u[FIELD] !== null && u[FIELD] !== undefined).map((u) => pairKey(u.systemuserid, Number(u[FIELD]))).sort();
const effectsOf = (org: FakeDataverse): Effect[] => org.columnChanges.filter((c) => c.column === FIELD).flatMap((c) => [
  ...(c.before !== null ? [{ action: 'remove' as const, key: pairKey(c.id, Number(c.before)) }] : []),
  ...(c.after !== null ? [{ action: 'add' as const, key: pairKey(c.id, Number(c.after)) }] : []),
]);

function cliFault(r: ReturnType<typeof prng>): NetworkFault {
  switch (r.pick(['503', 'reset-after', 'late', 'throttle', 'expire'] as const)) {
    case '503': return { kind: 'status', status: 503, body: { error: { code: '0x80040216', message: 'An unexpected error occurred.' } } };
    case 'reset-after': return { kind: 'reset-after' };
    case 'late': return { kind: 'delay-after', ms: TIMEOUT_MS + 300 };
    case 'throttle': return { kind: 'throttle', retryAfterSeconds: 1 };
    default: return { kind: 'expire-tokens' };
  }
}

async function schedule(mode: 'kill' | 'faults', index: number): Promise<void> {
  const seed = BASE_SEED * 1000 + 700 + (mode === 'kill' ? 0 : 25) + index;
  const rng = prng(seed);
  const why = (what: string) => `dynamics ${mode} seed ${seed} (FAULT_SEED=${BASE_SEED}, schedule ${index}): ${what}`;
  // Enough users for several $batch requests of 1,000 now and then.
  const size = rng.pick([60, 1400]);
  const scenario = makeScenario(rng, size, size);
  const desired = scenario.desired.map((p) => ({ crmUserId: systemUserId(p.crm), outreachUserId: p.outreach }));
  const wanted = desired.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();
  const before = scenario.live.map((p) => pairKey(systemUserId(p.crm), p.outreach)).sort();
  const plannedRemoves = new Set(before.filter((k) => !wanted.includes(k)));
  const org = await startFakeDataverse();
  for (let n = 1; n <= scenario.crmUsers; n++) {
    const live = scenario.live.find((p) => p.crm === n);
    org.addUser({ systemuserid: systemUserId(n), fullname: `User ${n}`, isdisabled: false, [FIELD]: live ? live.outreach : null });
  }
  const env = { ...org.env(), MAPSYNC_DYNAMICS_TIMEOUT_MS: String(TIMEOUT_MS), MAPSYNC_DYNAMICS_RETRY_MS: '2' };
  const project = await makeProject({ 'mapsync.config.yaml': 'crm: dynamics\nstore: dynamics\n', 'mappings/team.yaml': mappingsYaml(desired) });
  const stateDir = join(project.dir, '.mapsync');
  mkdirSync(stateDir, { recursive: true });
  const apply = ['apply', '--auto-approve', '--force'];
  try {
    if (mode === 'kill') {
      // Every systemuser whose column changes is one PATCH; 1,000 a batch.
      const live = new Map(scenario.live.map((p) => [p.crm, p.outreach]));
      const next = new Map(scenario.desired.map((p) => [p.crm, p.outreach]));
      const patches = [...live.keys()].filter((k) => !next.has(k)).length + [...next].filter(([k, v]) => live.get(k) !== v).length;
      const killAt = 1 + rng.int(Math.ceil(patches / 1000));
      let batches = 0;
      const running = spawnCli(apply, project.dir, env);
      org.faultHook = (method) => {
        if (method !== 'POST' || ++batches !== killAt) return undefined;
        // The org carries this batch out; the CLI dies before it hears back.
        running.child.kill('SIGKILL');
        return { kind: 'reset-after' };
      };
      const killed = await running.done;
      org.faultHook = undefined;
      expect(killed.signal, why(`killed at batch ${killAt} of ${Math.ceil(patches / 1000)}: ${describeRun(killed)}`)).toBe('SIGKILL');
      expect(() => journalLines(stateDir), why('journal lines parse')).not.toThrow();
      const rerun = await runCliIn(apply, project.dir, env);
      expect(rerun.code, why(`re-run right after the kill: ${describeRun(rerun)}`)).toBe(0);
    } else {
      let phase = 0;
      const counts = new Map<string, number>();
      org.faultHook = (method, path) => {
        const key = `${phase}\u0000${method}\u0000${path.split('?')[0]}`;
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        const r = prng(hashSeed(seed, key, n));
        return r.chance([0.3, 0.15, 0][phase] ?? 0) ? cliFault(r) : undefined;
      };
      for (phase = 0; phase < 3; phase++) {
        const run = await runCliIn(apply, project.dir, env);
        if (run.code === 0) break;
        expect(phase, why(`apply still failing after two re-runs: ${describeRun(run)}`)).toBeLessThan(2);
      }
      org.faultHook = undefined;
      const plan = { changes: [...plannedRemoves].map((k) => ({ action: 'remove', crmUserId: k.split('\t')[0]!, outreachUserId: Number(k.split('\t')[1]) })) };
      expect(checkHistory(effectsOf(org), plan as never, readJournal(stateDir)), why('history and journal')).toEqual([]);
      expect(org.earlyRequests, why('nothing sent while a Retry-After was open')).toEqual([]);
    }
    expect(org.maxInFlight, why('requests in flight')).toBeLessThanOrEqual(8);
    expect(pairsOf(org), why('live equals desired')).toEqual(wanted);
    for (const e of effectsOf(org)) if (e.action === 'remove') expect(plannedRemoves.has(e.key), why(`removed ${e.key}, which was not planned`)).toBe(true);

    const snapshot = snapshots(stateDir)[0];
    expect(snapshot, why('a snapshot was written')).toBeDefined();
    expect(snapshotPairs(snapshot!), why('the first snapshot is the state before')).toEqual(before);
    const restored = await runCliIn(['restore', snapshot!, '--auto-approve', '--force'], project.dir, env);
    expect(restored.code, why(`restore: ${describeRun(restored)}`)).toBe(0);
    expect(pairsOf(org), why('restore brings back the state before')).toEqual(before);
  } finally {
    await org.close();
    await project.cleanup();
  }
}

describe('dynamics through the CLI', () => {
  for (let i = 0; i < KILLS; i++) {
    it(`SIGKILL while a $batch is in flight (schedule ${i}): planned changes only, the lock taken over, a re-run converges, restore`, () => schedule('kill', i));
  }
  for (let i = 0; i < FAULTED; i++) {
    it(`seeded faults (schedule ${i}): at most two re-runs converge, journal matches history, restore`, () => schedule('faults', i));
  }
});
