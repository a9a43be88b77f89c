// Randomised, seeded fault schedules against the dynamics store over real HTTP, through the real
// dynamics-web-api: 5xx, dropped connections (before and after the org did the work), answers
// later than the client's timeout, 429 with Retry-After, tokens expiring mid-run, and per-row
// failures inside a $batch (transient ones and a plug-in that blocks a row until an admin fixes
// it). After at most two re-runs the org must match the desired state, with nothing removed
// outside the plan, every effect journaled, the first snapshot restoring the state before, no
// request sent while a Retry-After was open, and never more than 8 requests in flight.
import { expect } from 'vitest';
import { startFakeDataverse, systemUserId, type FakeDataverse, type NetworkFault } from '../fakes/dataverseServer.js';
import { BASE_SEED, configFor, describeSchedules, hashSeed, pairKey, prng, runOrgSchedule, type Effect, type FaultOrg } from './harness.js';

const SCHEDULES = Number(process.env.FAULT_SCHEDULES_DYNAMICS ?? 40);
const FIELD = 'new_outreachuserid';
// Long enough that a busy CI machine does not time out ordinary answers; injected delays go well beyond it.
const TIMEOUT_MS = 500;

const dvError = (code: string, message: string) => ({ error: { code, message } });

/** The fault for the n-th request with this method and path, decided by the seed alone. */
function faultFor(seed: number, rate: number, method: string, path: string, n: number): NetworkFault | undefined {
  const rng = prng(hashSeed(seed, method, path.split('?')[0]!, n));
  if (!rng.chance(rate)) return undefined;
  // A throttle costs a real second of waiting and an expired token a new token: keep them rarer.
  if (rng.chance(0.06)) return { kind: 'throttle', retryAfterSeconds: 1 };
  if (rng.chance(0.1)) return { kind: 'expire-tokens' };
  const kinds = method === 'POST' ? ['503', '500', 'reset-before', 'reset-after', 'delay-after'] : ['503', '500', 'reset-before', 'delay-after'];
  switch (rng.pick(kinds)) {
    case '503': return { kind: 'status', status: 503, body: dvError('0x80040216', 'An unexpected error occurred.') };
    case '500': return { kind: 'status', status: 500, body: dvError('0x80044150', 'Generic SQL error.') };
    case 'delay-after': return { kind: 'delay-after', ms: TIMEOUT_MS + 300 };
    case 'reset-before': return { kind: 'reset-before' };
    default: return { kind: 'reset-after' };
  }
}

/** What the org's write history did to mapping pairs. */
function effectsOf(org: FakeDataverse, from = 0): Effect[] {
  const effects: Effect[] = [];
  for (const c of org.columnChanges.slice(from)) {
    if (c.column !== FIELD) continue;
    if (c.before !== null) effects.push({ action: 'remove', key: pairKey(c.id, Number(c.before)) });
    if (c.after !== null) effects.push({ action: 'add', key: pairKey(c.id, Number(c.after)) });
  }
  return effects;
}

async function startOrg(stateDir: string): Promise<FaultOrg<NetworkFault>> {
  const org = await startFakeDataverse();
  return {
    crmId: systemUserId,
    addUser: (n, outreach) => org.addUser({ systemuserid: systemUserId(n), fullname: `User ${n}`, internalemailaddress: `u${n}@example.com`, isdisabled: false, [FIELD]: outreach ?? null }),
    // Per-row failures inside a $batch: transient ones (sent again in a later batch), and a plug-in that blocks a row.
    failWrites: (n, transient, rng) => org.writeFailures.set(systemUserId(n), transient
      ? { status: 503, code: '0x80044150', message: 'Generic SQL error.', times: 1 + rng.int(3) }
      : { status: 400, code: '0x80040265', message: 'blocked by a plug-in', times: 1 }),
    clearWriteFailures: () => org.writeFailures.clear(),
    setFaultHook: (hook) => (org.faultHook = hook),
    historyLength: () => org.columnChanges.length,
    effects: (from) => effectsOf(org, from),
    setup: {
      spec: 'dynamics',
      // crm: dynamics, so snapshots and plans hold systemuserid GUIDs.
      config: { ...configFor(stateDir), crm: 'dynamics' },
      env: () => ({ ...org.env(), MAPSYNC_DYNAMICS_TIMEOUT_MS: String(TIMEOUT_MS), MAPSYNC_DYNAMICS_RETRY_MS: '2' }),
    },
    check(runs, injected, why) {
      expect(org.earlyRequests.map((r) => `${r.method} ${r.path.slice(0, 60)}`), why('nothing sent while a Retry-After was open')).toEqual([]);
      expect(org.maxInFlight, why('requests in flight')).toBeLessThanOrEqual(8);
      // One token a run (the listing after the runs included), plus one for each expiry.
      const expiries = injected.filter((f) => f.kind === 'expire-tokens').length;
      expect(org.tokenRequests.length, why('token requests')).toBeLessThanOrEqual(runs.length + 1 + expiries);
    },
    close: () => org.close(),
  };
}

// 3,000 users make more than 1,000 writes now and then: several batches, some in parallel.
describeSchedules('dynamics', SCHEDULES, 4, (index) =>
  runOrgSchedule({ seed: BASE_SEED * 1000 + 500 + index, crmUserCounts: [12, 30, 60, 250, 420, 3000], startOrg, faultFor }, `schedule ${index}`));

