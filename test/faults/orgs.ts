// The fake Salesforce and Outreach orgs as the end-to-end CLI fault suites use them: seeded
// from a scenario, their pairs and write histories read back the same way, and one hook that
// picks a fault (or lets the test act, e.g. signal the CLI) per request.
import { startFakeOutreach, type FakeOutreach } from '../fakes/outreachServer.js';
import { startFakeSalesforce, userId, type FakeSalesforce } from '../fakes/salesforceServer.js';
import { crmId } from '../outreach/helpers.js';
import { pairKey, type Effect, type Scenario } from './harness.js';

export const FIELD = 'Outreach_User_Id__c';
// Long enough that a busy CI machine does not time out ordinary answers; injected delays go well beyond it.
export const TIMEOUT_MS = 500;

/** 'fault0' answers an error, 'fault1' drops the connection after the work, 'fault2' answers too late; a number delays the answer that many ms (the work is done first). */
export type OrgFault = 'kill' | 'fault0' | 'fault1' | 'fault2' | number;

export interface Org {
  kind: 'salesforce' | 'outreach';
  env: Record<string, string>;
  pairs(): string[];
  effects(from?: number): Effect[];
  historyLength(): number;
  setHook(hook: ((method: string, path: string) => OrgFault | undefined) | undefined): void;
  close(): Promise<void>;
}

export async function salesforceOrg(scenario: Scenario): Promise<Org> {
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
        if (typeof what === 'number') return { kind: 'delay-after', ms: what };
        if (what === 'kill' || what === 'fault1') return { kind: 'reset-after' };
        if (what === 'fault2') return { kind: 'delay-after', ms: TIMEOUT_MS + 300 };
        if (what === 'fault0') return { kind: 'status', status: 503, body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'busy' }] };
        return undefined;
      });
    },
    close: () => org.close(),
  };
}

export async function outreachOrg(scenario: Scenario): Promise<Org> {
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
        if (typeof what === 'number') return { kind: 'delay-after', ms: what };
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
export function writeRequests(kind: Org['kind'], scenario: Scenario): number {
  const side = (p: { crm: number; outreach: number }) => (kind === 'salesforce' ? p.crm : p.outreach);
  const other = (p: { crm: number; outreach: number }) => (kind === 'salesforce' ? p.outreach : p.crm);
  const live = new Map(scenario.live.map((p) => [side(p), other(p)]));
  const desired = new Map(scenario.desired.map((p) => [side(p), other(p)]));
  const clears = [...live.keys()].filter((k) => !desired.has(k)).length;
  const sets = [...desired].filter(([k, v]) => live.get(k) !== v).length;
  return kind === 'salesforce' ? Math.ceil(clears / 200) + Math.ceil(sets / 200) : clears + sets;
}

