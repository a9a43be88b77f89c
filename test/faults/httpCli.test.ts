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
import { userId } from '../fakes/salesforceServer.js';
import { crmId } from '../outreach/helpers.js';
import { describeRun, journalLines, mappingsYaml, runCliIn, spawnCli } from './cli.js';
import { outreachOrg, salesforceOrg, TIMEOUT_MS, writeRequests, type Org } from './orgs.js';
import {
  BASE_SEED, checkHistory, hashSeed, makeScenario, pairKey, prng, readJournal, snapshotPairs, snapshots, type Effect, type Scenario,
} from './harness.js';

const KILLS = Number(process.env.FAULT_SCHEDULES_HTTP_KILL ?? 5);
const FAULTED = Number(process.env.FAULT_SCHEDULES_HTTP_CLI ?? 4);

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
