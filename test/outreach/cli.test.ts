// The real CLI against the fake Outreach API: plan with the Outreach directory, apply (with a
// token that expires half-way), bad field values, rate limits, missing credentials, and a scan
// of every byte of output for the tokens in play.
import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeProject, runCli, type CliResult } from '../helpers/cli.js';
import { startFakeOutreach, type FakeOutreach, type FakeOutreachOptions, type FakeUser } from '../fakes/outreachServer.js';
import { crmId, makeUsers } from './helpers.js';

const TOKEN = 'cli-outreach-access-token-7f3a';
const CLIENT = { id: 'cli-client-id-01', secret: 'cli-client-secret-9b2c', refreshToken: 'cli-refresh-token-original-44' };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function yamlFile(entries: { crm: string; outreach: number; name?: string }[]): string {
  const lines = ['mappings:'];
  for (const e of entries) {
    lines.push(`  - crmUserId: ${e.crm}`, `    outreachUserId: ${e.outreach}`);
    if (e.name) lines.push(`    name: ${e.name}`);
  }
  return lines.join('\n') + '\n';
}

async function setup(users: FakeUser[], mappings: { crm: string; outreach: number; name?: string }[], options: FakeOutreachOptions = {}, extraFiles: Record<string, string> = {}) {
  const fake = await startFakeOutreach({ users, tokens: [TOKEN], client: CLIENT, ...options });
  const project = await makeProject({ 'mappings/team.yaml': yamlFile(mappings), ...extraFiles });
  cleanups.push(() => fake.close(), project.cleanup);
  const env = { OUTREACH_ACCESS_TOKEN: TOKEN, OUTREACH_API_URL: fake.apiUrl, OUTREACH_TOKEN_URL: fake.tokenUrl };
  const run = (args: string[], extraEnv: Record<string, string | undefined> = {}) => runCli(args, { cwd: project.dir, env: { ...env, ...extraEnv } });
  return { fake, dir: project.dir, run, env };
}

function expectNoSecrets(result: CliResult, fake: FakeOutreach): void {
  const output = result.stdout + result.stderr;
  for (const secret of [TOKEN, CLIENT.secret, CLIENT.refreshToken, ...fake.allTokens]) expect(output).not.toContain(secret);
}

describe('mapsync plan --store outreach', () => {
  it('reads the live mappings and the directory in ceil(N/1000) requests and warns about a locked seat', async () => {
    const users = makeUsers(1500, (id) => (id === 1 ? crmId(1) : null));
    users[1]!.locked = true;
    const { fake, run } = await setup(users, [
      { crm: crmId(1), outreach: 1, name: 'First1 Last1' },
      { crm: crmId(2), outreach: 2, name: 'First2 Last2' },
    ]);
    const result = await run(['plan', '--store', 'outreach', '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.store).toBe('outreach');
    expect(plan.summary).toEqual({ add: 1, remove: 0, replace: 0, unchanged: 1 });
    expect(plan.changes).toMatchObject([{ action: 'add', crmUserId: crmId(2), outreachUserId: 2, file: 'mappings/team.yaml', line: 5 }]);
    expect(plan.warnings.map((w: { code: string }) => w.code)).toContain('outreach-user-locked');
    expect(fake.log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /users 200', 'GET /users 200']);
    expect(fake.log.filter((r) => r.method !== 'GET')).toEqual([]);
    expectNoSecrets(result, fake);
  });

  it('fails on an Outreach user id the directory does not know, naming file:line', async () => {
    const { fake, run } = await setup(makeUsers(3), [
      { crm: crmId(1), outreach: 1 },
      { crm: crmId(2), outreach: 999 },
    ]);
    const result = await run(['plan', '--store', 'outreach']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('mappings/team.yaml:4:5: error: Outreach user 999 is not in Outreach [unknown-outreach-user]');
    expect(fake.log.filter((r) => r.method === 'PATCH')).toEqual([]);
    expectNoSecrets(result, fake);
  });

  it('warns about a field value that is not a Salesforce User ID and does not take it as a mapping', async () => {
    const { fake, run } = await setup(makeUsers(3, (id) => (id === 3 ? '005-not-an-id' : null)), [{ crm: crmId(3), outreach: 3 }]);
    const result = await run(['plan', '--store', 'outreach', '--format', 'json']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.summary).toEqual({ add: 1, remove: 0, replace: 0, unchanged: 0 });
    expect(plan.warnings).toContainEqual(expect.objectContaining({ code: 'live-invalid-value', outreachUserId: 3 }));
    expectNoSecrets(result, fake);
  });

  it('names the missing credential in one line', async () => {
    const { run } = await setup(makeUsers(1), [{ crm: crmId(1), outreach: 1 }]);
    const result = await run(['plan', '--store', 'outreach'], { OUTREACH_ACCESS_TOKEN: undefined });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: OUTREACH_ACCESS_TOKEN is not set: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('explains a rejected token without printing it', async () => {
    const { fake, run } = await setup(makeUsers(1), [{ crm: crmId(1), outreach: 1 }]);
    fake.expireAllTokens();
    const result = await run(['plan', '--store', 'outreach']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: Outreach rejected the access token (401');
    expect(result.stderr).toContain('OUTREACH_REFRESH_TOKEN');
    expectNoSecrets(result, fake);
  });

  it('imports the live mappings as YAML that then plans with no changes', async () => {
    const { fake, run } = await setup(makeUsers(5, (id) => (id % 2 === 1 ? crmId(id) : id === 4 ? 'junk' : null)), [{ crm: crmId(1), outreach: 1 }]);
    const imported = await run(['import', '--store', 'outreach', '--out', 'mappings/team.yaml', '--force']);
    expect(imported.code, imported.stderr).toBe(0);
    const plan = await run(['plan', '--store', 'outreach', '--detailed-exitcode', '--format', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 3 });
    expect(fake.log.filter((r) => r.method === 'PATCH')).toEqual([]);
    expectNoSecrets(imported, fake);
  });
});

describe('mapsync apply --store outreach', () => {
  it('applies removes and adds, refreshing an access token that expires in the middle', async () => {
    const mapped = (id: number) => (id <= 10 ? crmId(id) : id === 11 ? 'garbage' : null);
    const desired = Array.from({ length: 30 }, (_, i) => ({ crm: crmId(i + 1), outreach: i + 1 }));
    desired.splice(0, 2); // users 1 and 2 lose their mapping
    const { fake, dir, run } = await setup(makeUsers(40, mapped), desired);
    fake.expireTokensAfter = 6; // after the read and a few writes
    const result = await run(['apply', '--store', 'outreach', '--auto-approve', '--debug'], {
      OUTREACH_CLIENT_ID: CLIENT.id,
      OUTREACH_CLIENT_SECRET: CLIENT.secret,
      OUTREACH_REFRESH_TOKEN: CLIENT.refreshToken,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.log.filter((r) => r.status === 401).length).toBeGreaterThan(0);
    for (let id = 1; id <= 40; id++) expect(fake.users.get(id)!.custom1 ?? null).toBe(id <= 2 ? null : id <= 30 ? crmId(id) : null);
    expect(fake.log.filter((r) => r.method === 'PATCH' && r.status === 200)).toHaveLength(22); // 2 clears + 20 sets
    expect(result.stderr).toContain('Outreach access token refreshed');
    expectNoSecrets(result, fake);
    const journalDir = join(dir, '.mapsync');
    const files = await import('node:fs/promises').then((fs) => fs.readdir(journalDir, { recursive: true }));
    for (const file of files) {
      const path = join(journalDir, String(file));
      const text = await readFile(path, 'utf8').catch(() => '');
      for (const secret of [TOKEN, CLIENT.secret, ...fake.allTokens]) expect(text).not.toContain(secret);
    }

    const again = await run(['plan', '--store', 'outreach', '--detailed-exitcode'], { OUTREACH_ACCESS_TOKEN: [...fake.validTokens][0] });
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });

  it('waits out a 429 and says so, then finishes', async () => {
    const desired = Array.from({ length: 12 }, (_, i) => ({ crm: crmId(i + 1), outreach: i + 1 }));
    const { fake, run } = await setup(makeUsers(12), desired);
    fake.faults.push({ method: 'PATCH', status: 429, retryAfter: 1, fromRequest: 4 });
    const result = await run(['apply', '--store', 'outreach', '--auto-approve']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/waiting 1s \(rate limited by Outreach\)/);
    const throttled = fake.log.find((r) => r.status === 429 && !r.early)!;
    for (const r of fake.log.filter((x) => x.status === 200 && x.at > throttled.at)) expect(r.at).toBeGreaterThanOrEqual(throttled.at + 1000);
    for (let id = 1; id <= 12; id++) expect(fake.users.get(id)!.custom1).toBe(crmId(id));
    expectNoSecrets(result, fake);
  });

  it('reports writes Outreach refuses and exits 1', async () => {
    const { fake, run } = await setup(makeUsers(3), [{ crm: crmId(1), outreach: 1 }], {}, { 'mapsync.config.yaml': 'outreach:\n  field: email\n' });
    const result = await run(['apply', '--store', 'outreach', '--auto-approve']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('422 Validation Error: email is read-only');
    expect(fake.users.get(1)!.email).toBe('user1@example.com');
    expectNoSecrets(result, fake);
  });
});
