// Randomised, seeded fault schedules against the salesforce store over real HTTP: 5xx, dropped
// connections (before and after the org did the work), answers later than the client's timeout,
// per-record failures inside a batch, and the org's API limit (a stop, not a retry). After at
// most two re-runs the org must match the desired state, with nothing removed outside the plan,
// every effect journaled, and the first snapshot restoring the state before.
import { startFakeSalesforce, userId, type FakeSalesforce, type NetworkFault } from '../fakes/salesforceServer.js';
import { BASE_SEED, configFor, describeSchedules, hashSeed, pairKey, prng, runOrgSchedule, type Effect, type FaultOrg } from './harness.js';

const SCHEDULES = Number(process.env.FAULT_SCHEDULES_SALESFORCE ?? 100);
const FIELD = 'Outreach_User_Id__c';
const TOKEN = 'sf-fault-token-00DFAKE';
// Long enough that a busy CI machine does not time out ordinary answers; injected delays go well beyond it.
const TIMEOUT_MS = 500;

const sfError = (errorCode: string, message: string) => [{ message, errorCode }];

/** The fault for the n-th request with this method and path, decided by the seed alone. */
function faultFor(seed: number, rate: number, method: string, path: string, n: number): NetworkFault | undefined {
  const rng = prng(hashSeed(seed, method, path.split('?')[0]!, n));
  if (!rng.chance(rate)) return undefined;
  const isWrite = method === 'PATCH';
  const kinds = isWrite ? ['503', '500', 'reset-before', 'reset-after', 'delay-after', 'limit'] : ['503', '500', 'reset-before', 'delay-after', 'limit'];
  // The org limit ends a run at once; keep it rarer than the faults a run rides out.
  const kind = rng.chance(0.08) ? 'limit' : rng.pick(kinds.filter((k) => k !== 'limit'));
  switch (kind) {
    case '503': return { kind: 'status', status: 503, body: sfError('SERVER_UNAVAILABLE', 'Server temporarily unavailable') };
    case '500': return { kind: 'status', status: 500, body: sfError('UNKNOWN_EXCEPTION', 'An unexpected error occurred') };
    case 'limit': return { kind: 'status', status: 403, body: sfError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.') };
    case 'delay-after': return { kind: 'delay-after', ms: TIMEOUT_MS + 300 };
    case 'reset-before': return { kind: 'reset-before' };
    default: return { kind: 'reset-after' };
  }
}

/** What the org's write history did to mapping pairs. */
function effectsOf(org: FakeSalesforce, from = 0): Effect[] {
  const effects: Effect[] = [];
  for (const c of org.fieldChanges.slice(from)) {
    if (c.field !== FIELD) continue;
    if (c.before !== null) effects.push({ action: 'remove', key: pairKey(c.id, Number(c.before)) });
    if (c.after !== null) effects.push({ action: 'add', key: pairKey(c.id, Number(c.after)) });
  }
  return effects;
}

async function startOrg(stateDir: string): Promise<FaultOrg<NetworkFault>> {
  const org = await startFakeSalesforce({ tokens: [TOKEN] });
  return {
    crmId: userId,
    addUser: (n, outreach) => org.addUser({ Id: userId(n), Name: `User ${n}`, Email: `u${n}@example.com`, IsActive: true, [FIELD]: outreach === undefined ? null : String(outreach) }),
    // Per-record failures inside a batch: a locked row (retried in a later request), or a validation rule.
    failWrites: (n, transient, rng) => org.writeFailures.set(userId(n), transient
      ? { statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record', times: 1 + rng.int(3) }
      : { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'blocked by a validation rule', times: 1 }),
    clearWriteFailures: () => org.writeFailures.clear(),
    setFaultHook: (hook) => (org.faultHook = hook),
    historyLength: () => org.fieldChanges.length,
    effects: (from) => effectsOf(org, from),
    setup: {
      spec: 'salesforce',
      config: configFor(stateDir),
      env: () => ({ SF_INSTANCE_URL: org.url, SF_ACCESS_TOKEN: TOKEN, MAPSYNC_SALESFORCE_TIMEOUT_MS: String(TIMEOUT_MS), MAPSYNC_SALESFORCE_RETRY_MS: '2' }),
    },
    close: () => org.close(),
  };
}

describeSchedules('salesforce', SCHEDULES, 5, (index) =>
  runOrgSchedule({ seed: BASE_SEED * 1000 + index, crmUserCounts: [12, 30, 60, 250, 420], startOrg, faultFor }, `schedule ${index}`));
