// Outreach rotates refresh tokens and refuses the old one (CONTRACT §9): through the real CLI,
// the newest token is kept in OUTREACH_REFRESH_TOKEN_FILE (0600) so run after run refreshes, and
// in GitHub Actions with MAPSYNC_SECRETS_TOKEN in the repository's OUTREACH_REFRESH_TOKEN secret
// (the test opens the fake GitHub's sealed box to see the value). Not being able to keep it is
// an error; keeping it nowhere is a warning.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOutreach, type FakeOutreach } from '../fakes/outreachServer.js';
import { startGitHubServer, type FakeGitHub } from '../fakes/githubServer.js';
import { makeProject, runCli, type CliResult } from '../helpers/cli.js';
import { crmId, makeUsers } from './helpers.js';

const CLIENT = { id: 'rotation-client-id', secret: 'rotation-client+secret/77', refreshToken: 'rotation-refresh-token-original-01' };
const GITHUB_TOKEN = 'ghs_RepoTokenCannotWriteSecrets000000000';
const SECRETS_TOKEN = 'github_pat_MayWriteActionsSecrets_0123456789';
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup() {
  const fake = await startFakeOutreach({ users: makeUsers(3, (id) => crmId(id)), client: CLIENT });
  const project = await makeProject({ 'mappings/team.yaml': `mappings:\n${[1, 2, 3].map((n) => `  - crmUserId: ${crmId(n)}\n    outreachUserId: ${n}\n`).join('')}` });
  const state = await mkdtemp(join(tmpdir(), 'mapsync-token-'));
  cleanups.push(() => fake.close(), project.cleanup, () => rm(state, { recursive: true, force: true }));
  const env = {
    OUTREACH_API_URL: fake.apiUrl,
    OUTREACH_TOKEN_URL: fake.tokenUrl,
    OUTREACH_CLIENT_ID: CLIENT.id,
    OUTREACH_CLIENT_SECRET: CLIENT.secret,
    OUTREACH_REFRESH_TOKEN: CLIENT.refreshToken,
  };
  const runs: CliResult[] = [];
  const run = async (args: string[], extra: Record<string, string | undefined> = {}) => {
    const result = await runCli(args, { cwd: project.dir, env: { ...env, ...extra } });
    runs.push(result);
    return result;
  };
  return { fake, dir: project.dir, state, run, runs };
}

function expectNoSecrets(runs: CliResult[], fake: FakeOutreach, more: string[] = []): void {
  for (const result of runs) {
    for (const secret of [CLIENT.secret, ...fake.allTokens, ...more]) expect(result.stdout + result.stderr).not.toContain(secret);
  }
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));
const plan = ['plan', '--store', 'outreach', '--format', 'json'];

describe('Outreach refresh tokens that rotate', () => {
  it('two runs in a row succeed through OUTREACH_REFRESH_TOKEN_FILE, which holds the newest token (0600)', async () => {
    const { fake, state, run, runs } = await setup();
    const file = join(state, 'outreach-refresh-token');
    const first = await run([...plan, '--debug'], { OUTREACH_REFRESH_TOKEN_FILE: file });
    expect(first.code, first.stderr).toBe(0);
    expect((await readFile(file, 'utf8')).trim()).toBe(fake.currentRefreshToken);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first.stderr).toContain('debug: Outreach: new refresh token kept in OUTREACH_REFRESH_TOKEN_FILE');

    // The environment still holds the original token, which Outreach has retired: the file wins.
    const second = await run(plan, { OUTREACH_REFRESH_TOKEN_FILE: file });
    expect(second.code, second.stderr).toBe(0);
    expect(fake.tokenRequests.map((r) => r.form.refresh_token)).toEqual([CLIENT.refreshToken, fake.retiredRefreshTokens[1]]);
    expect((await readFile(file, 'utf8')).trim()).toBe(fake.currentRefreshToken);
    expect(second.stderr).not.toContain('warning:');

    // The first run of a new setup needs the variable: the file exists only once a run refreshed.
    const fresh = await run(plan, { OUTREACH_REFRESH_TOKEN: undefined, OUTREACH_REFRESH_TOKEN_FILE: join(state, 'not-yet') });
    expect(errorLines(fresh.stderr)).toEqual([
      `error: OUTREACH_REFRESH_TOKEN is not set (OUTREACH_REFRESH_TOKEN_FILE ${join(state, 'not-yet')} does not exist yet or is empty): OAuth refresh needs OUTREACH_CLIENT_ID, OUTREACH_CLIENT_SECRET, OUTREACH_REFRESH_TOKEN together`,
    ]);

    // Without the file the retired token is refused: the file is what kept the runs going.
    const without = await run(plan);
    expect(without.code).toBe(1);
    expect(errorLines(without.stderr)).toEqual(['error: Outreach refused to refresh the access token (invalid_grant: The provided authorization grant is invalid, expired, revoked)']);
    expectNoSecrets(runs, fake);
  });

  it('in GitHub Actions with MAPSYNC_SECRETS_TOKEN, seals the new token into the OUTREACH_REFRESH_TOKEN secret', async () => {
    const { fake, run, runs } = await setup();
    const github: FakeGitHub = await startGitHubServer({ token: GITHUB_TOKEN, secretsToken: SECRETS_TOKEN });
    cleanups.push(() => github.close());
    github.secrets.seed('OUTREACH_REFRESH_TOKEN', CLIENT.refreshToken);
    const actions = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: `${github.owner}/${github.repo}`, GITHUB_API_URL: github.url, GITHUB_TOKEN, MAPSYNC_SECRETS_TOKEN: SECRETS_TOKEN };

    for (let night = 1; night <= 2; night++) {
      // Each night's run gets the secret as it was left by the run before.
      const result = await run(['drift', '--store', 'outreach', '--debug'], { ...actions, OUTREACH_REFRESH_TOKEN: github.secrets.open('OUTREACH_REFRESH_TOKEN') });
      expect(result.code, result.stderr).toBe(0);
      expect(github.secrets.open('OUTREACH_REFRESH_TOKEN')).toBe(fake.currentRefreshToken);
      expect(result.stderr).toContain(`kept in the Actions secret OUTREACH_REFRESH_TOKEN of ${github.owner}/${github.repo}`);
    }
    expect(fake.tokenRequests.map((r) => r.form.refresh_token)).toEqual([CLIENT.refreshToken, fake.retiredRefreshTokens[1]]);
    const secretCalls = github.requests.filter((r) => r.path.includes('/actions/secrets'));
    expect(secretCalls.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /repos/acme/crm-mappings/actions/secrets/public-key 200',
      'PUT /repos/acme/crm-mappings/actions/secrets/OUTREACH_REFRESH_TOKEN 204',
      'GET /repos/acme/crm-mappings/actions/secrets/public-key 200',
      'PUT /repos/acme/crm-mappings/actions/secrets/OUTREACH_REFRESH_TOKEN 204',
    ]);
    expect(secretCalls.every((r) => r.authorization?.endsWith(SECRETS_TOKEN))).toBe(true);
    // Only the sealed value travelled.
    for (const r of github.requests) for (const token of fake.allTokens) expect(r.rawBody).not.toContain(token);
    expectNoSecrets(runs, fake, [SECRETS_TOKEN, GITHUB_TOKEN]);
  });

  it('fails with a next step when the new token cannot be kept', async () => {
    const { fake, state, run, runs } = await setup();
    const github = await startGitHubServer({ token: GITHUB_TOKEN, secretsToken: SECRETS_TOKEN });
    cleanups.push(() => github.close());
    // GITHUB_TOKEN passed where a token that may write secrets belongs.
    const actions = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'acme/crm-mappings', GITHUB_API_URL: github.url, GITHUB_TOKEN, MAPSYNC_SECRETS_TOKEN: GITHUB_TOKEN };
    const secret = await run(plan, actions);
    expect(secret.code).toBe(1);
    expect(errorLines(secret.stderr)).toEqual([
      "error: cannot keep Outreach's new refresh token in the Actions secret OUTREACH_REFRESH_TOKEN of acme/crm-mappings: MAPSYNC_SECRETS_TOKEN may not write Actions secrets (403 Resource not accessible by integration); the token it replaced no longer works",
    ]);
    expect(secret.stderr).toContain('hint: give MAPSYNC_SECRETS_TOKEN "Secrets: Read and write"');
    expect(secret.stderr).toContain('authorise the Outreach app again');
    expect(github.secrets.stored.size).toBe(0);

    const file = await run(plan, { OUTREACH_REFRESH_TOKEN: fake.currentRefreshToken, OUTREACH_REFRESH_TOKEN_FILE: join(state, 'no-such-folder', 'token') });
    expect(file.code).toBe(1);
    expect(errorLines(file.stderr)).toEqual([expect.stringMatching(/^error: cannot keep Outreach's new refresh token in OUTREACH_REFRESH_TOKEN_FILE .*no-such-folder\/token \(ENOENT\); the token it replaced no longer works$/)]);
    expectNoSecrets(runs, fake, [GITHUB_TOKEN]);
  });

  it('warns once when the new token is kept nowhere', async () => {
    const { fake, run, runs } = await setup();
    for (const user of fake.users.values()) user.custom1 = null; // three writes to make
    fake.expireTokensAfter = 1; // after the read: a second refresh in the same run, still one warning
    const result = await run(['apply', '--store', 'outreach', '--auto-approve']);
    expect(result.code, result.stderr).toBe(0);
    expect(fake.tokenRequests.length).toBeGreaterThanOrEqual(2);
    expect(result.stderr.match(/keeps it for this run only: set OUTREACH_REFRESH_TOKEN_FILE/g)).toHaveLength(1);
    expectNoSecrets(runs, fake);
  });
});
