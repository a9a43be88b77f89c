// Reading the live mappings and the CRM directory from a (fake) Dataverse org through the real
// CLI and the real dynamics-web-api over HTTP.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFakeDataverse, systemUserId, type FakeDataverse } from '../fakes/dataverseServer.js';
import { cli, dvEnv, outputs, project, range, seedOrg, type PlanJson } from './support.js';

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

async function inProject(args: string[], env: Record<string, string | undefined> = dvEnv(dv)) {
  const p = await project([]);
  cleanups.push(p.cleanup);
  const result = await cli(args, p.dir, env);
  return { result, dir: p.dir };
}

describe('dynamics store: list', () => {
  it('reads 12,001 systemusers in three pages of 5,000 with one token, following @odata.nextLink', async () => {
    seedOrg(dv, 12_001, (n) => (n % 3 === 0 ? n : null));
    const { result } = await inProject(['plan', '--format', 'json']);
    expect(result.stderr).toBe('');
    const json = JSON.parse(result.stdout) as PlanJson;
    expect(json.summary).toMatchObject({ add: 0, remove: 4000, unchanged: 0 });
    const reads = dv.dataRequests({ method: 'GET' });
    expect(reads).toHaveLength(3);
    expect(reads.every((r) => r.prefer === 'odata.maxpagesize=5000')).toBe(true);
    expect(reads[0]!.path).toContain('$select=systemuserid,fullname,internalemailaddress,isdisabled,accessmode,new_outreachuserid');
    expect(reads[1]!.path).toContain('$skiptoken=');
    expect(dv.tokenRequests).toHaveLength(1);
    expect(dv.tokenRequests[0]!.scope).toBe(`${dv.url}/.default`);
  });

  it('imports the live mappings with names from fullname', async () => {
    seedOrg(dv, 5, (n) => (n <= 2 ? 40 + n : null));
    const { result, dir } = await inProject(['import', '--out', 'mappings/imported.yaml']);
    expect(result.stderr).toBe('Wrote 2 mappings from dynamics to mappings/imported.yaml.\n');
    expect(result.code).toBe(0);
    const yaml = await readFile(join(dir, 'mappings/imported.yaml'), 'utf8');
    expect(yaml).toContain(`crmUserId: ${systemUserId(1)}`);
    expect(yaml).toContain('outreachUserId: 42');
    expect(yaml).toContain('User 2');
  });

  it('warns about column values that are not Outreach ids and does not take them as mappings', async () => {
    seedOrg(dv, 3, (n) => [7, 0, -2][n - 1]);
    const { result } = await inProject(['plan', '--format', 'json']);
    const json = JSON.parse(result.stdout) as PlanJson;
    expect(json.summary.remove).toBe(1);
    expect(json.warnings.filter((w) => w.code === 'live-invalid-value').map((w) => w.crmUserId)).toEqual([systemUserId(2), systemUserId(3)]);
  });

  it('renews a rejected token once; a second 401 is an error', async () => {
    seedOrg(dv, 3, () => null);
    let calls = 0;
    dv.faultHook = () => (calls++ === 0 ? { kind: 'expire-tokens' } : undefined);
    const ok = await inProject(['plan']);
    expect(ok.result.code).toBe(0);
    expect(dv.tokenRequests).toHaveLength(2);

    dv.faultHook = () => ({ kind: 'expire-tokens' });
    const bad = await inProject(['plan']);
    expect(bad.result.code).toBe(1);
    expect(bad.result.stderr).toMatch(/rejected a new access token too \(HTTP 401\)/);
    expect(bad.result.stderr).not.toMatch(/\n\s+at /);
    expect(dv.tokenRequests).toHaveLength(4);
  });

  it('waits out a 429 Retry-After before sending anything more to the org', async () => {
    seedOrg(dv, 30, () => null);
    let calls = 0;
    dv.faultHook = () => (calls++ === 0 ? { kind: 'throttle', retryAfterSeconds: 1 } : undefined);
    const { result } = await inProject(['plan', '--debug']);
    expect(result.code).toBe(0);
    expect(result.stderr + result.stdout).toMatch(/throttled \(HTTP 429\)/);
    const reads = dv.dataRequests();
    expect(reads.map((r) => r.status)).toEqual([429, 200]);
    expect(reads[1]!.at - reads[0]!.at).toBeGreaterThanOrEqual(900);
    expect(dv.earlyRequests).toEqual([]);
  });

  it('retries a 503 and a dropped connection on the read', async () => {
    seedOrg(dv, 3, () => null);
    const faults = [{ kind: 'status' as const, status: 503, body: { error: { code: '0x80040216', message: 'busy' } } }, { kind: 'reset-before' as const }];
    dv.faultHook = () => faults.shift();
    const { result } = await inProject(['plan']);
    expect(result.code).toBe(0);
    expect(dv.dataRequests().map((r) => r.status)).toEqual([503, -1, 200]);
  });
});

describe('dynamics store: credentials', () => {
  it('names every missing variable in one line', async () => {
    const { result } = await inProject(['plan'], { DYNAMICS_URL: dv.url, DYNAMICS_CLIENT_ID: dv.clientId });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/DYNAMICS_TENANT_ID, DYNAMICS_CLIENT_SECRET are not set/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a wrong client secret with the AADSTS reason, never the secret', async () => {
    const { result } = await inProject(['plan'], dvEnv(dv, { DYNAMICS_CLIENT_SECRET: 'wrong-secret-value-123' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Microsoft Entra ID refused the token request \(HTTP 401, invalid_client\): AADSTS7000215: Invalid client secret provided/);
    expect(result.stderr).toMatch(/check DYNAMICS_CLIENT_SECRET/);
    expect(result.stderr).not.toContain('wrong-secret-value-123');
    expect(result.stderr).not.toMatch(/Trace ID/);
  });

  it('refuses to run under crm: salesforce, naming the setting', async () => {
    const p = await project([], { 'mapsync.config.yaml': 'store: dynamics\n' });
    cleanups.push(p.cleanup);
    const result = await cli(['plan'], p.dir, dvEnv(dv));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the dynamics store keeps mappings on Dynamics 365 systemusers, but this project's CRM is "salesforce"/);
    expect(result.stderr).toMatch(/set "crm: dynamics"/);
    expect(dv.log).toHaveLength(0);
  });

  it('refuses a column name that is not a Dataverse logical name', async () => {
    const p = await project([], { 'mapsync.config.yaml': 'crm: dynamics\nstore: dynamics:Outreach_User_Id__c\n' });
    cleanups.push(p.cleanup);
    const result = await cli(['plan'], p.dir, dvEnv(dv));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"Outreach_User_Id__c" is not a Dataverse column logical name/);
    expect(dv.log).toHaveLength(0);
  });
});
