// Unattended Salesforce logins through the real CLI (CONTRACT §9): the JWT bearer flow (the fake
// org verifies the RS256 signature against the connected app's public key and the iss/sub/aud/exp
// claims), the client-credentials flow, which set wins when several are present, what an
// incomplete set, a bad key or a refused grant looks like, and a session that expires mid-apply.
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSalesforce, userId, type FakeSalesforce } from '../fakes/salesforceServer.js';
import type { CliResult } from '../helpers/cli.js';
import { cli, PASSWORD, project, range, SECURITY_TOKEN, seedOrg, TOKEN, USERNAME, type PlanJson } from './support.js';

const CLIENT_ID = '3MVG9FakeConsumerKey.forMapsync_0123456789';
const CLIENT_SECRET = 'Consumer+Secret/0123456789ABCDEF';

function rsaKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey };
}
// One key pair for the connected app's certificate, one that Salesforce has never seen.
const appKey = rsaKeyPair();
const strangerKey = rsaKeyPair();

let sf: FakeSalesforce;
const cleanups: (() => Promise<void>)[] = [];
const runs: CliResult[] = [];

async function startOrg(oauth: Partial<NonNullable<Parameters<typeof startFakeSalesforce>[0]>['oauth']> = {}) {
  sf = await startFakeSalesforce({
    tokens: [TOKEN],
    username: USERNAME,
    password: PASSWORD + SECURITY_TOKEN,
    oauth: { clientId: CLIENT_ID, publicKey: appKey.publicKey, preAuthorized: [USERNAME], clientSecret: CLIENT_SECRET, ...oauth },
  });
  seedOrg(sf, 3, (n) => String(n));
}

beforeEach(async () => {
  await startOrg();
});
afterEach(async () => {
  // Nothing secret in any output: the keys, the secret, the assertions and sessions issued.
  const secrets = [appKey.pem, strangerKey.pem, ...appKey.pem.split('\n').filter((l) => l.length > 40), CLIENT_SECRET, TOKEN, PASSWORD, ...sf.oauth!.issued, ...sf.oauth!.grants.map((g) => g.assertion ?? '').filter(Boolean), ...sf.issuedSessions];
  for (const run of runs.splice(0)) for (const secret of secrets) expect(run.stdout + run.stderr).not.toContain(secret);
  await sf.close();
  while (cleanups.length) await cleanups.pop()!();
});

async function dir(pairs = range(1, 3).map((n) => ({ crm: n, outreach: n }))) {
  const p = await project(pairs);
  cleanups.push(p.cleanup);
  return p.dir;
}

async function run(args: string[], cwd: string, env: Record<string, string | undefined>) {
  const result = await cli(args, cwd, { MAPSYNC_SALESFORCE_RETRY_MS: '5', ...env });
  runs.push(result);
  return result;
}

const jwtEnv = (extra: Record<string, string | undefined> = {}) => ({ SF_CLIENT_ID: CLIENT_ID, SF_USERNAME: USERNAME, SF_JWT_KEY: appKey.pem, SF_LOGIN_URL: sf.url, ...extra });
const clientCredentialsEnv = (extra: Record<string, string | undefined> = {}) => ({ SF_CLIENT_ID: CLIENT_ID, SF_CLIENT_SECRET: CLIENT_SECRET, SF_LOGIN_URL: sf.url, ...extra });
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));
const plan = ['plan', '--store', 'salesforce', '--format', 'json'];

describe('salesforce JWT bearer flow', () => {
  it('signs an RS256 assertion the org verifies (iss, sub, aud, exp ≤ 3 min) and reads with the session', async () => {
    const before = Date.now() / 1000;
    const result = await run([...plan, '--debug'], await dir(), jwtEnv());
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as PlanJson).summary.unchanged).toBe(3);
    const [grant] = sf.oauth!.assertions;
    expect(sf.oauth!.grants).toHaveLength(1);
    expect(grant!.ok).toBe(true);
    expect(grant!.claims).toMatchObject({ iss: CLIENT_ID, sub: USERNAME, aud: 'https://login.salesforce.com' });
    const exp = grant!.claims!.exp as number;
    expect(exp).toBeGreaterThan(before);
    expect(exp).toBeLessThanOrEqual(Date.now() / 1000 + 180);
    // The session it got is what the data API saw; no SOAP login happened.
    expect(sf.issuedSessions).toEqual([]);
    expect(sf.dataRequests().length).toBeGreaterThan(0);
    expect(result.stderr).toContain('debug: Salesforce: signing in with the JWT bearer flow');
    expect(result.stderr).not.toContain('warning:');
  });

  it('reads the key from SF_JWT_KEY_FILE, and from a one-line secret with literal \\n', async () => {
    const cwd = await dir();
    await writeFile(join(cwd, 'server.key'), appKey.pem, { mode: 0o600 });
    expect((await run(plan, cwd, jwtEnv({ SF_JWT_KEY: undefined, SF_JWT_KEY_FILE: join(cwd, 'server.key') }))).code).toBe(0);
    expect((await run(plan, cwd, jwtEnv({ SF_JWT_KEY: appKey.pem.trim().replace(/\n/g, '\\n') }))).code).toBe(0);
    expect(sf.oauth!.assertions.map((g) => g.ok)).toEqual([true, true]);
  });

  it("reports a key whose certificate the app does not hold with Salesforce's error_description", async () => {
    const result = await run(plan, await dir(), jwtEnv({ SF_JWT_KEY: strangerKey.pem }));
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([`error: Salesforce refused the JWT bearer login of ${USERNAME} at ${sf.url}: invalid assertion (invalid_grant)`]);
    expect(result.stderr).toContain('hint: check that the connected app holds the certificate of this key');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(sf.dataRequests()).toEqual([]);
  });

  it('reports a user who is not pre-authorized for the app', async () => {
    await sf.close();
    await startOrg({ preAuthorized: [] });
    const result = await run(plan, await dir(), jwtEnv());
    expect(errorLines(result.stderr)).toEqual([`error: Salesforce refused the JWT bearer login of ${USERNAME} at ${sf.url}: user hasn't approved this consumer (invalid_grant)`]);
    expect(result.stderr).toContain('Admin approved users are pre-authorized');
  });

  it('uses SF_JWT_AUDIENCE when the login server expects another audience', async () => {
    await sf.close();
    await startOrg({ audience: 'https://test.salesforce.com' });
    const cwd = await dir();
    const refused = await run(plan, cwd, jwtEnv());
    expect(errorLines(refused.stderr)).toEqual([expect.stringContaining(': audience is invalid (invalid_grant)')]);
    const ok = await run(plan, cwd, jwtEnv({ SF_JWT_AUDIENCE: 'https://test.salesforce.com' }));
    expect(ok.code, ok.stderr).toBe(0);
    expect(sf.oauth!.assertions.map((g) => g.claims?.aud)).toEqual(['https://login.salesforce.com', 'https://test.salesforce.com']);
  });

  it('stops before any request on a key that is not a PEM RSA private key', async () => {
    const cwd = await dir();
    const { privateKey: ec } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const cases: [Record<string, string | undefined>, RegExp][] = [
      [{ SF_JWT_KEY: 'not-a-key-just-some-text-0123456789' }, /^error: SF_JWT_KEY is not a usable PEM private key: /],
      [{ SF_JWT_KEY: ec.export({ type: 'pkcs8', format: 'pem' }).toString() }, /^error: SF_JWT_KEY is an EC key: Salesforce's JWT bearer flow needs an RSA key \(RS256\)$/],
      [{ SF_JWT_KEY: undefined, SF_JWT_KEY_FILE: join(cwd, 'missing.key') }, /^error: SF_JWT_KEY_FILE .*missing\.key: cannot read the private key \(ENOENT\)$/],
    ];
    for (const [env, message] of cases) {
      // --debug: still one line, no stack trace, no key.
      const result = await run([...plan, '--debug'], cwd, jwtEnv(env));
      expect(result.code).toBe(1);
      expect(errorLines(result.stderr)).toHaveLength(1);
      expect(errorLines(result.stderr)[0]).toMatch(message);
      expect(result.stderr).not.toContain('not-a-key-just-some-text-0123456789');
    }
    expect(sf.log).toEqual([]);
  });

  it('signs exactly one new assertion when the session expires mid-apply, and the apply completes', async () => {
    const cwd = await dir([{ crm: 1, outreach: 11 }, { crm: 2, outreach: 22 }, { crm: 3, outreach: 3 }]);
    let expired = false;
    // The first write finds the session ended (a session timeout policy): every session dies.
    sf.faultHook = (method) => {
      if (method !== 'PATCH' || expired) return undefined;
      expired = true;
      sf.tokens.clear();
      return { kind: 'status', status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] };
    };
    const result = await run(['apply', '--store', 'salesforce', '--auto-approve'], cwd, jwtEnv());
    expect(result.code, result.stderr).toBe(0);
    expect(expired).toBe(true);
    expect(sf.oauth!.assertions.map((g) => g.ok)).toEqual([true, true]);
    expect(result.stderr).toContain('Salesforce: session expired; signing a new JWT assertion');
    expect([1, 2, 3].map((n) => sf.users.get(userId(n))!.Outreach_User_Id__c)).toEqual(['11', '22', '3']);
    const after = await run(plan, cwd, jwtEnv());
    expect((JSON.parse(after.stdout) as PlanJson).summary).toMatchObject({ add: 0, remove: 0, unchanged: 3 });
  });

  it('says so in one line when signing in again is refused after the session ended', async () => {
    let ended = false;
    // The admin removed the user from the app's pre-authorized profiles, which ends its sessions.
    sf.faultHook = () => {
      if (ended) return undefined;
      ended = true;
      sf.oauth!.options.preAuthorized!.length = 0;
      sf.tokens.clear();
      return { kind: 'status', status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] };
    };
    const result = await run(plan, await dir(), jwtEnv());
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([
      `error: Salesforce ended the session and logging in again failed: Salesforce refused the JWT bearer login of ${USERNAME} at ${sf.url}: user hasn't approved this consumer (invalid_grant)`,
    ]);
    expect(sf.oauth!.assertions.map((g) => g.ok)).toEqual([true, false]);
  });
});

describe('salesforce client-credentials flow', () => {
  it('logs in with the consumer key and secret on the My Domain URL', async () => {
    const result = await run([...plan, '--debug'], await dir(), clientCredentialsEnv());
    expect(result.code, result.stderr).toBe(0);
    expect(sf.oauth!.grants.map((g) => [g.grant, g.ok])).toEqual([['client_credentials', true]]);
    expect(result.stderr).toContain('debug: Salesforce: signing in with the client-credentials flow');
  });

  it("reports a rotated (wrong) secret with Salesforce's error_description", async () => {
    sf.oauth!.clientSecret = 'a-newer-secret-after-rotation';
    const result = await run(plan, await dir(), clientCredentialsEnv());
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([`error: Salesforce refused the client-credentials login at ${sf.url}: invalid client credentials (invalid_client)`]);
    expect(result.stderr).toContain('hint: check SF_CLIENT_ID and SF_CLIENT_SECRET');
  });

  it('logs in again once when the session expires mid-apply', async () => {
    const cwd = await dir([{ crm: 1, outreach: 11 }, { crm: 2, outreach: 2 }, { crm: 3, outreach: 3 }]);
    let expired = false;
    sf.faultHook = (method) => {
      if (method !== 'PATCH' || expired) return undefined;
      expired = true;
      sf.tokens.clear();
      return { kind: 'status', status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] };
    };
    const result = await run(['apply', '--store', 'salesforce', '--auto-approve'], cwd, clientCredentialsEnv());
    expect(result.code, result.stderr).toBe(0);
    expect(sf.oauth!.grants.map((g) => g.ok)).toEqual([true, true]);
    expect(sf.users.get(userId(1))!.Outreach_User_Id__c).toBe('11');
  });
});

describe('which Salesforce credentials win', () => {
  const all = () => ({ ...jwtEnv(), SF_CLIENT_SECRET: CLIENT_SECRET, SF_PASSWORD: PASSWORD, SF_SECURITY_TOKEN: SECURITY_TOKEN, SF_INSTANCE_URL: sf.url, SF_ACCESS_TOKEN: TOKEN });
  const warning = /retires the username\/password login \(SOAP login\(\), API 65\.0, Summer '27\): switch to the JWT bearer flow/g;

  it('access token, then JWT, then client credentials, then password: the first complete set', async () => {
    const cwd = await dir();
    const steps: [Record<string, string | undefined>, string][] = [
      [{}, 'SF_ACCESS_TOKEN'],
      [{ SF_ACCESS_TOKEN: undefined }, 'the JWT bearer flow'],
      [{ SF_ACCESS_TOKEN: '', SF_JWT_KEY: '' }, 'the client-credentials flow'],
      [{ SF_ACCESS_TOKEN: undefined, SF_JWT_KEY: undefined, SF_CLIENT_SECRET: undefined }, 'a username/password login (SOAP)'],
    ];
    for (const [change, flow] of steps) {
      const result = await run([...plan, '--debug'], cwd, { ...all(), ...change });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`debug: Salesforce: signing in with ${flow}`);
    }
    expect(sf.oauth!.grants.map((g) => g.grant)).toEqual(['urn:ietf:params:oauth:grant-type:jwt-bearer', 'client_credentials']);
    expect(sf.issuedSessions).toHaveLength(1);
  });

  it('the password flow warns once, pointing at the JWT flow', async () => {
    const result = await run(['apply', '--store', 'salesforce', '--auto-approve'], await dir(), { SF_LOGIN_URL: sf.url, SF_USERNAME: USERNAME, SF_PASSWORD: PASSWORD, SF_SECURITY_TOKEN: SECURITY_TOKEN });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.match(warning)).toHaveLength(1);
  });

  it('an incomplete set names what it lacks', async () => {
    const cwd = await dir();
    const cases: [Record<string, string>, string][] = [
      [{ SF_JWT_KEY: appKey.pem, SF_CLIENT_ID: CLIENT_ID }, 'error: SF_USERNAME, SF_LOGIN_URL are not set: the JWT bearer flow to Salesforce needs SF_CLIENT_ID + SF_USERNAME + SF_JWT_KEY or SF_JWT_KEY_FILE + SF_LOGIN_URL'],
      [{ SF_JWT_KEY_FILE: '/tmp/x.key', SF_CLIENT_ID: CLIENT_ID, SF_LOGIN_URL: 'https://acme.my.salesforce.com' }, 'error: SF_USERNAME is not set: the Salesforce username mapsync logs in as (pre-authorized for the connected app)'],
      [{ SF_CLIENT_SECRET: CLIENT_SECRET }, 'error: SF_CLIENT_ID, SF_LOGIN_URL are not set: the client-credentials flow to Salesforce needs SF_CLIENT_ID + SF_CLIENT_SECRET + SF_LOGIN_URL'],
      [{ SF_CLIENT_ID: CLIENT_ID, SF_USERNAME: USERNAME, SF_LOGIN_URL: 'https://acme.my.salesforce.com' }, "error: SF_JWT_KEY is not set: the PEM private key of the connected app's certificate (or SF_JWT_KEY_FILE with the path of that file)"],
    ];
    for (const [env, line] of cases) {
      const result = await run(plan, cwd, env);
      expect(result.code).toBe(1);
      expect(errorLines(result.stderr)).toEqual([line]);
    }
  });
});
