// What goes wrong with Salesforce and what the admin sees: missing credentials, expired
// sessions, API limits, a busy org, bad queries or fields — one clear line each, exit 1, and
// never a credential in any output, even with --debug.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSalesforce, userId, type FakeSalesforce } from '../fakes/salesforceServer.js';
import { cli, loginEnv, outputs, PASSWORD, project, range, SECURITY_TOKEN, seedOrg, tokenEnv, TOKEN, USERNAME, type PlanJson } from './support.js';

let sf: FakeSalesforce;
const cleanups: (() => Promise<void>)[] = [];
const sessionsSeen = new Set<string>();

beforeEach(async () => {
  sf = await startFakeSalesforce({ tokens: [TOKEN], username: USERNAME, password: PASSWORD + SECURITY_TOKEN });
});
afterEach(async () => {
  for (const s of sf.issuedSessions) sessionsSeen.add(s);
  await sf.close();
  while (cleanups.length) await cleanups.pop()!();
});

async function dir(pairs = [{ crm: 1, outreach: 1 }], files: Record<string, string> = {}) {
  const p = await project(pairs, files);
  cleanups.push(p.cleanup);
  return p.dir;
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));

describe('salesforce credentials', () => {
  const cases: [string, Record<string, string>][] = [
    ['SF_INSTANCE_URL', { SF_ACCESS_TOKEN: TOKEN }],
    ['SF_ACCESS_TOKEN', { SF_INSTANCE_URL: 'https://example.my.salesforce.com' }],
    ['SF_LOGIN_URL', { SF_USERNAME: USERNAME, SF_PASSWORD: PASSWORD }],
    ['SF_USERNAME', { SF_LOGIN_URL: 'https://login.salesforce.com', SF_PASSWORD: PASSWORD }],
    ['SF_PASSWORD', { SF_LOGIN_URL: 'https://login.salesforce.com', SF_USERNAME: USERNAME }],
  ];
  for (const [missing, env] of cases) {
    it(`names ${missing} when it is missing`, async () => {
      const result = await cli(['plan', '--store', 'salesforce'], await dir(), env);
      expect(result.code).toBe(1);
      expect(errorLines(result.stderr)).toHaveLength(1);
      expect(errorLines(result.stderr)[0]).toMatch(new RegExp(`^error: ${missing} is not set`));
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('says which variables to set when none is', async () => {
    const result = await cli(['plan', '--store', 'salesforce'], await dir(), {});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SF_INSTANCE_URL + SF_ACCESS_TOKEN');
    expect(result.stderr).toContain('SF_LOGIN_URL + SF_USERNAME + SF_PASSWORD');
  });

  it('logs in with username, password and security token (SOAP login) and uses the session', async () => {
    seedOrg(sf, 2, (n) => String(n));
    const result = await cli(['plan', '--store', 'salesforce', '--format', 'json', '--debug'], await dir([{ crm: 1, outreach: 1 }, { crm: 2, outreach: 2 }]), loginEnv(sf));
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as PlanJson).summary.unchanged).toBe(2);
    expect(sf.log[0]!.path).toBe('/services/Soap/u/62.0');
    expect(sf.issuedSessions).toHaveLength(1);
  });

  it('reports a rejected login in one line without the password', async () => {
    const result = await cli(['plan', '--store', 'salesforce'], await dir(), loginEnv(sf, { SF_PASSWORD: 'wrong-password-123' }));
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)[0]).toContain(`Salesforce login failed for ${USERNAME}: INVALID_LOGIN`);
    expect(result.stderr).not.toContain('wrong-password-123');
  });
});

describe('salesforce sessions and limits', () => {
  it('explains an expired SF_ACCESS_TOKEN', async () => {
    sf.tokens.clear();
    const result = await cli(['plan', '--store', 'salesforce'], await dir(), tokenEnv(sf));
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([expect.stringMatching(/^error: SF_ACCESS_TOKEN expired or invalid — /)]);
    expect(result.stderr).toContain('hint:');
  });

  it('logs in again when the session expires mid-run and carries on', async () => {
    seedOrg(sf, 3, (n) => String(n));
    // The first data request finds the session revoked (e.g. by a session timeout policy).
    let revoked = false;
    sf.inject({
      match: () => {
        if (!revoked && sf.issuedSessions.length === 1) {
          revoked = true;
          sf.tokens.delete(sf.issuedSessions[0]!);
        }
        return false;
      },
      status: 0,
      body: null,
      times: 1,
    });
    const result = await cli(['plan', '--store', 'salesforce', '--format', 'json'], await dir(range(1, 3).map((n) => ({ crm: n, outreach: n }))), loginEnv(sf));
    expect(result.code).toBe(0);
    expect(sf.issuedSessions).toHaveLength(2);
    expect(sf.log.map((r) => r.status)).toEqual([200, 401, 200, 200]);
    expect(result.stderr).toContain('session expired; logging in again');
    for (const session of sf.issuedSessions) expect(result.stdout + result.stderr).not.toContain(session);
  });

  it('says so when logging in again fails after the session ended (password reset mid-run)', async () => {
    seedOrg(sf, 1, () => '1');
    sf.inject({
      match: () => {
        // The admin reset the password, which ends every session.
        sf.password = 'a-new-password-456';
        sf.tokens.clear();
        return false;
      },
      status: 0,
      body: null,
      times: 1,
    });
    const result = await cli(['plan', '--store', 'salesforce'], await dir(), loginEnv(sf));
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([expect.stringContaining('error: Salesforce ended the session and logging in again failed: Salesforce login failed for integration@example.com: INVALID_LOGIN')]);
    expect(sf.issuedSessions).toHaveLength(1);
  });

  it('gives up when Salesforce keeps rejecting fresh sessions instead of logging in forever', async () => {
    seedOrg(sf, 1, () => '1');
    sf.inject({ match: () => (sf.tokens.clear(), false), status: 0, body: null });
    const result = await cli(['plan', '--store', 'salesforce'], await dir(), loginEnv(sf));
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('rejected 3 fresh sessions in a row');
    // The first login plus three more, then a stop.
    expect(sf.issuedSessions).toHaveLength(4);
  });

  it('stops at REQUEST_LIMIT_EXCEEDED without retrying and reports the remaining daily budget', async () => {
    sf.limitExceeded = true;
    sf.daily = { max: 15000, remaining: 0 };
    const result = await cli(['plan', '--store', 'salesforce'], await dir(), tokenEnv(sf));
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)[0]).toContain('REQUEST_LIMIT_EXCEEDED; DailyApiRequests: 0 of 15000 remaining');
    expect(sf.dataRequests().map((r) => [r.path.split('?')[0], r.status])).toEqual([
      ['/services/data/v62.0/query', 403],
      ['/services/data/v62.0/limits', 200],
    ]);
  });

  it('stops an apply at REQUEST_LIMIT_EXCEEDED and reports the unwritten changes as failed', async () => {
    seedOrg(sf, 250, () => null);
    const projectDir = await dir(range(1, 250).map((n) => ({ crm: n, outreach: n })));
    // The first write batch goes through; then the org runs out of API requests.
    sf.inject({
      match: (method) => {
        if (method === 'PATCH' && sf.dataRequests({ method: 'PATCH' }).length === 2) sf.limitExceeded = true;
        return false;
      },
      status: 0,
      body: null,
      times: 1000,
    });
    const result = await cli(['apply', '--store', 'salesforce', '--auto-approve'], projectDir, tokenEnv(sf));
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain('REQUEST_LIMIT_EXCEEDED');
    expect(sf.users.get(userId(200))!.Outreach_User_Id__c).toBe('200');
    expect(sf.users.get(userId(201))!.Outreach_User_Id__c).toBeNull();
  });
});

describe('salesforce busy, queries and fields', () => {
  it('retries reads that get 503 with backoff and succeeds', async () => {
    seedOrg(sf, 1, () => '1');
    sf.inject({ match: (m, path) => m === 'GET' && path.includes('/query'), status: 503, body: [{ message: 'Server temporarily unavailable', errorCode: 'SERVER_UNAVAILABLE' }], times: 2 });
    const result = await cli(['plan', '--store', 'salesforce'], await dir(), tokenEnv(sf));
    expect(result.code).toBe(0);
    expect(sf.dataRequests().map((r) => r.status)).toEqual([503, 503, 200]);
    expect(result.stderr.match(/retrying in/g)).toHaveLength(2);
  });

  it('retries a read that timed out', async () => {
    seedOrg(sf, 1, () => '1');
    sf.inject({ match: (m) => m === 'GET', status: 200, body: { totalSize: 0, done: true, records: [] }, delayMs: 3000 });
    const result = await cli(['plan', '--store', 'salesforce', '--format', 'json'], await dir(), tokenEnv(sf, { MAPSYNC_SALESFORCE_TIMEOUT_MS: '300' }));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('request timed out');
    // The timed-out request's late answer (no mappings) was never used: the retry's answer was.
    expect((JSON.parse(result.stdout) as PlanJson).summary.unchanged).toBe(1);
  });

  it('gives up after a bounded number of attempts with a clear error', async () => {
    sf.inject({ match: () => true, status: 503, body: [{ message: 'Server temporarily unavailable', errorCode: 'SERVER_UNAVAILABLE' }], times: 100 });
    const result = await cli(['plan', '--store', 'salesforce'], await dir(), tokenEnv(sf, { MAPSYNC_SALESFORCE_RETRIES: '3' }));
    expect(result.code).toBe(1);
    expect(sf.dataRequests()).toHaveLength(4);
    expect(errorLines(result.stderr)[0]).toContain('Salesforce is unavailable');
    expect(errorLines(result.stderr)[0]).toContain('after 4 attempts');
  });

  it('turns MALFORMED_QUERY into a clear error', async () => {
    sf.inject({ match: (m) => m === 'GET', status: 400, body: [{ message: "unexpected token: 'FROM'", errorCode: 'MALFORMED_QUERY' }] });
    const result = await cli(['plan', '--store', 'salesforce'], await dir(), tokenEnv(sf));
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([expect.stringContaining('(MALFORMED_QUERY)')]);
    expect(sf.dataRequests()).toHaveLength(1);
  });

  it('says how to fix a mapping field that does not exist', async () => {
    const result = await cli(['plan', '--store', 'salesforce'], await dir([{ crm: 1, outreach: 1 }], { 'mapsync.config.yaml': 'salesforce:\n  field: Missing_Field__c\n' }), tokenEnv(sf));
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)[0]).toContain('INVALID_FIELD');
    expect(result.stderr).toContain('hint: create the mapping field on User');
  });

  it('refuses a field name that is not an API name (no SOQL injection)', async () => {
    const result = await cli(['plan', '--store', 'salesforce'], await dir([{ crm: 1, outreach: 1 }], { 'mapsync.config.yaml': "salesforce:\n  field: \"Id FROM User WHERE Name != ''\"\n" }), tokenEnv(sf));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not a Salesforce field API name');
    expect(sf.log).toHaveLength(0);
  });
});

afterAll(() => {
  const secrets = [TOKEN, PASSWORD, SECURITY_TOKEN, PASSWORD + SECURITY_TOKEN, ...sessionsSeen];
  for (const out of outputs) for (const secret of secrets) expect(out.stdout + out.stderr).not.toContain(secret);
});
