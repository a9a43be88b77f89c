// No credential ever leaves mapsync: every command (validate, fmt, plan, apply, restore, drift, import,
// each also with --debug) runs with fake credentials for Salesforce, Outreach and GitHub in the
// environment — against the file store, whose plans still check users against the fake
// Salesforce and Outreach directories, and against the salesforce and outreach stores. Then
// stdout, stderr, every file under the project (journal, snapshots, plan files, job summary,
// imported YAML) and everything posted to GitHub are scanned for every secret, plain and
// URL-encoded — including the session ids and access tokens the fake servers issued during the run.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject, runCli, type CliResult } from '../helpers/cli.js';
import { startFakeSalesforce, userId, type FakeSalesforce } from '../fakes/salesforceServer.js';
import { startFakeOutreach, type FakeOutreach } from '../fakes/outreachServer.js';
import { startGitHubServer, type FakeGitHub } from '../fakes/githubServer.js';
import { startFakeSnowflake, type FakeSnowflake } from '../fakes/snowflakeServer.js';

// Characters that change under URL and form encoding, so an encoded leak is caught too.
const SECRETS = {
  SF_ACCESS_TOKEN: '00DSecret!SfAccess+Token/0123456789abcdef',
  SF_PASSWORD: 'Pa55/word+sf=secret!',
  SF_SECURITY_TOKEN: 'SfSecTok9+fZ3/kQ',
  OUTREACH_ACCESS_TOKEN: 'or-access+token/0123456789-SECRET',
  OUTREACH_REFRESH_TOKEN: 'or-refresh+token/ABCDEFGH-SECRET',
  OUTREACH_CLIENT_SECRET: 'or-client+secret/ZYXWVU-SECRET',
  GITHUB_TOKEN: 'ghs_SecurityPassFakeToken0123456789ABCD',
  // The unattended sets (CONTRACT §9): the connected app's key and secret, and the token that
  // may write Actions secrets (where the rotated Outreach refresh token is kept).
  SF_JWT_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  SF_CLIENT_SECRET: 'Sf+Consumer/Secret=0123456789ABCDEF',
  MAPSYNC_SECRETS_TOKEN: 'github_pat_SecretsWriter+Fake/0123456789',
  // The plugin-share store's Snowflake key (CONTRACT §12); the JWTs it signs are scanned for too.
  SNOWFLAKE_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};
const SF_CLIENT_ID = '3MVG9SecurityPassConsumerKey.0123456789';
const SF_USERNAME = 'integration@example.com';
const OUTREACH_CLIENT_ID = 'mapsync-client-id';

let sf: FakeSalesforce;
let outreach: FakeOutreach;
let github: FakeGitHub;
let snowflake: FakeSnowflake;
let runs: { label: string; result: CliResult }[] = [];
/** Outside the project, like the runner's temp folder: where the refresh token file lives. */
let state: string;
const projects: { dir: string; cleanup: () => Promise<void> }[] = [];

// Fresh servers for every test: Outreach rotates refresh tokens, so each test starts from the
// refresh token in its environment.
beforeEach(async () => {
  runs = [];
  sf = await startFakeSalesforce({
    tokens: [SECRETS.SF_ACCESS_TOKEN],
    username: SF_USERNAME,
    password: SECRETS.SF_PASSWORD + SECRETS.SF_SECURITY_TOKEN,
    oauth: { clientId: SF_CLIENT_ID, publicKey: createPublicKey(SECRETS.SF_JWT_KEY), preAuthorized: [SF_USERNAME], clientSecret: SECRETS.SF_CLIENT_SECRET },
  });
  for (let n = 1; n <= 4; n++) sf.addUser({ Id: userId(n), Name: `User ${n}`, Email: `user${n}@example.com`, IsActive: true, Outreach_User_Id__c: n === 1 || n === 4 ? String(n) : null });
  outreach = await startFakeOutreach({
    users: [1, 2, 3, 4].map((n) => ({ id: n, firstName: 'User', lastName: String(n), email: `user${n}@example.com`, locked: false, custom1: n === 1 || n === 4 ? userId(n) : null })),
    tokens: [SECRETS.OUTREACH_ACCESS_TOKEN],
    client: { id: OUTREACH_CLIENT_ID, secret: SECRETS.OUTREACH_CLIENT_SECRET, refreshToken: SECRETS.OUTREACH_REFRESH_TOKEN },
  });
  github = await startGitHubServer({ token: SECRETS.GITHUB_TOKEN, owner: 'acme', repo: 'crm-mappings', secretsToken: SECRETS.MAPSYNC_SECRETS_TOKEN });
  snowflake = await startFakeSnowflake({
    account: 'XY12345', user: 'MAPSYNC_READER', publicKey: createPublicKey(SECRETS.SNOWFLAKE_PRIVATE_KEY), database: 'OUTREACH_SHARE', schema: 'PUBLIC', warehouse: 'MAPSYNC_WH',
    users: [1, 2, 3, 4].map((n) => ({ ID: String(n), O_ID: '4711', FIRST_NAME: 'User', LAST_NAME: String(n), EMAIL: `user${n}@example.com` })),
    pluginMappings: [1, 4].map((n) => ({ O_ID: '4711', VALUE_TYPE: 'User', VALUE_ID: String(n), EXTERNAL_TYPE: 'User', EXTERNAL_ID: userId(n), ENABLED_AT: 1764000000 })),
  });
  state = await mkdtemp(join(tmpdir(), 'mapsync-runner-temp-'));
});

afterEach(async () => {
  await Promise.all([sf?.close(), outreach?.close(), github?.close(), snowflake?.close(), rm(state, { recursive: true, force: true })]);
});

afterAll(async () => {
  for (const p of projects) await p.cleanup();
});

async function newProject(): Promise<string> {
  const yaml = ['mappings:', ...[1, 2, 3].flatMap((n) => [`  - crmUserId: ${userId(n)}`, `    outreachUserId: ${n}`, `    name: User ${n}`])].join('\n') + '\n';
  const live = { mappings: [1, 4].map((n) => ({ crmUserId: userId(n), outreachUserId: n, crmUserName: `User ${n}`, outreachUserName: `User ${n}` })) };
  const project = await makeProject({
    'mappings/team.yaml': yaml,
    '.mapsync/live.json': JSON.stringify(live),
    'mapsync.config.yaml': 'pluginShare:\n  orgId: "4711"\n  database: OUTREACH_SHARE\n  schema: PUBLIC\n',
  });
  projects.push(project);
  await writeFile(join(project.dir, 'event.json'), JSON.stringify({ number: 7, pull_request: { number: 7, head: { sha: 'a'.repeat(40) } } }));
  return project.dir;
}

/** The environment of a workflow step: every credential, plus the Actions context. */
type Credentials = 'tokens' | 'logins' | 'unattended';

function stepEnv(dir: string, credentials: Credentials): Record<string, string> {
  const common = {
    GITHUB_TOKEN: SECRETS.GITHUB_TOKEN,
    GITHUB_REPOSITORY: 'acme/crm-mappings',
    GITHUB_API_URL: github.url,
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md'),
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_RUN_ID: '99',
    OUTREACH_API_URL: outreach.apiUrl,
    OUTREACH_TOKEN_URL: outreach.tokenUrl,
    OUTREACH_CLIENT_ID,
    OUTREACH_CLIENT_SECRET: SECRETS.OUTREACH_CLIENT_SECRET,
    OUTREACH_REFRESH_TOKEN: SECRETS.OUTREACH_REFRESH_TOKEN,
    MAPSYNC_SALESFORCE_RETRY_MS: '5',
    SNOWFLAKE_ACCOUNT: 'xy12345.us-east-1',
    SNOWFLAKE_USER: 'mapsync_reader',
    SNOWFLAKE_WAREHOUSE: 'MAPSYNC_WH',
    SNOWFLAKE_URL: snowflake.url,
    // As a one-line secret with literal \n in the unattended set, as the PEM itself otherwise.
    SNOWFLAKE_PRIVATE_KEY: credentials === 'unattended' ? SECRETS.SNOWFLAKE_PRIVATE_KEY.replace(/\n/g, '\\n') : SECRETS.SNOWFLAKE_PRIVATE_KEY,
  };
  if (credentials === 'tokens') {
    return { ...common, SF_INSTANCE_URL: sf.url, SF_ACCESS_TOKEN: SECRETS.SF_ACCESS_TOKEN, OUTREACH_ACCESS_TOKEN: SECRETS.OUTREACH_ACCESS_TOKEN };
  }
  if (credentials === 'unattended') {
    // What the workflows pass: every Salesforce set but the token (the JWT one wins), the refresh
    // set for Outreach, its token file and the token that keeps the rotated one as a secret.
    return {
      ...common,
      GITHUB_ACTIONS: 'true',
      MAPSYNC_SECRETS_TOKEN: SECRETS.MAPSYNC_SECRETS_TOKEN,
      OUTREACH_REFRESH_TOKEN_FILE: join(state, 'outreach-refresh-token'),
      SF_LOGIN_URL: sf.url,
      SF_USERNAME,
      SF_CLIENT_ID,
      SF_JWT_KEY: SECRETS.SF_JWT_KEY,
      SF_CLIENT_SECRET: SECRETS.SF_CLIENT_SECRET,
      SF_PASSWORD: SECRETS.SF_PASSWORD,
      SF_SECURITY_TOKEN: SECRETS.SF_SECURITY_TOKEN,
    };
  }
  // Log in with a password; let mapsync fetch the first Outreach token with the refresh token.
  return { ...common, SF_LOGIN_URL: sf.url, SF_USERNAME, SF_PASSWORD: SECRETS.SF_PASSWORD, SF_SECURITY_TOKEN: SECRETS.SF_SECURITY_TOKEN };
}

async function run(label: string, args: string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  const started = Date.now();
  const result = await runCli(args, { cwd, env });
  if (process.env.SECRETS_TEST_TRACE) console.log(`${Date.now() - started} ms mapsync ${args.join(' ')} -> ${result.code}`);
  runs.push({ label: `${label}: mapsync ${args.join(' ')}`, result });
  // Outreach hands out a new refresh token with every refresh and retires the old one. Without a
  // place to keep it the admin would update the secret; so does this test. The unattended set
  // keeps it itself (the token file, the Actions secret).
  if (!env.OUTREACH_REFRESH_TOKEN_FILE) env.OUTREACH_REFRESH_TOKEN = outreach.currentRefreshToken!;
  return result;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** Every secret value, as given and as the servers issued, plain and URL/form-encoded. */
function secretForms(): string[] {
  const pemLines = [SECRETS.SF_JWT_KEY, SECRETS.SNOWFLAKE_PRIVATE_KEY].flatMap((pem) => pem.split('\n')).filter((line) => !line.startsWith('-----') && line.length > 0);
  const snowflakeJwts = [...snowflake.tokensSeen].flatMap((jwt) => [jwt, jwt.split('.')[2]!]);
  const assertions = sf.oauth!.grants.map((g) => g.assertion ?? '');
  const values = new Set<string>([...Object.values(SECRETS), ...pemLines, ...assertions, ...sf.tokens, ...outreach.allTokens, ...snowflakeJwts, SECRETS.SNOWFLAKE_PRIVATE_KEY.replace(/\n/g, '\\n')]);
  const forms = new Set<string>();
  for (const v of values) {
    if (v.length < 8) continue;
    forms.add(v);
    forms.add(encodeURIComponent(v));
    forms.add(new URLSearchParams({ x: v }).toString().slice(2));
    forms.add(JSON.stringify(v).slice(1, -1));
  }
  return [...forms];
}

function leaksIn(where: string, text: string, forms: string[]): string[] {
  return forms.filter((f) => text.includes(f)).map((f) => `${where} contains ${f}`);
}

describe('credentials never appear in output, files or posts', () => {
  const described: Record<Credentials, string> = {
    tokens: 'access tokens',
    logins: 'password login + OAuth refresh',
    unattended: 'Salesforce JWT/client credentials + rotating Outreach refresh token kept in a file and an Actions secret',
  };
  for (const credentials of ['tokens', 'logins', 'unattended'] as const) {
    for (const debug of [false, true]) {
      it(`every command, ${described[credentials]}${debug ? ', --debug' : ''}`, async () => {
        const dir = await newProject();
        const env = stepEnv(dir, credentials);
        const d = debug ? ['--debug'] : [];
        const label = `${credentials}${debug ? ' --debug' : ''}`;
        const expectCode = async (args: string[], codes: number[]) => {
          const result = await run(label, [...args, ...d], dir, env);
          expect(codes, `mapsync ${args.join(' ')}\n${result.stderr}`).toContain(result.code);
          return result;
        };

        await expectCode(['validate', '--format', 'github'], [0]);
        await expectCode(['fmt', '--check'], [0, 1]);
        await expectCode(['fmt'], [0]);
        await expectCode(['plan', '--out', 'plan.json', '--github-comment', '--pr', '7'], [0]);
        await expectCode(['apply', 'plan.json'], [0]);
        const [snapshot] = (await readdir(join(dir, '.mapsync/snapshots'))).sort();
        await expectCode(['restore', `.mapsync/snapshots/${snapshot}`, '--auto-approve'], [0]);
        await expectCode(['apply', '--auto-approve'], [0]);
        await expectCode(['drift', '--github-issue', '--format', 'json'], [0, 2]);
        await expectCode(['import', '--out', 'imported.yaml', '--force'], [0]);
        await expectCode(['plan', '--store', 'salesforce', '--format', 'json'], [0]);
        await expectCode(['apply', '--store', 'salesforce', '--auto-approve'], [0]);
        // The Outreach token expires mid-run: mapsync refreshes it (a new secret to keep quiet about).
        outreach.expireTokensAfter = outreach.log.length + 1;
        await expectCode(['apply', '--store', 'outreach', '--auto-approve'], [0]);
        await expectCode(['import', '--store', 'outreach'], [0]);
        await expectCode(['drift', '--store', 'outreach'], [0, 2]);
        // The plugin's own list through the Snowflake SQL API (read-only).
        await expectCode(['plan', '--store', 'plugin-share', '--format', 'json'], [0]);
        await expectCode(['import', '--store', 'plugin-share'], [0]);
        await expectCode(['drift', '--store', 'plugin-share'], [0, 2]);
        if (credentials === 'unattended') {
          // The client-credentials flow too, and a refused JWT (its error line is output as well).
          const withoutKey = { ...env, SF_JWT_KEY: '' };
          const result = await run(label, ['plan', '--store', 'salesforce', ...d], dir, withoutKey);
          expect(result.code, result.stderr).toBe(0);
          sf.oauth!.publicKey = createPublicKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
          expect((await run(label, ['plan', '--store', 'salesforce', ...d], dir, env)).code).toBe(1);
          expect(sf.oauth!.grants.map((g) => g.grant)).toContain('client_credentials');
          expect(sf.oauth!.assertions.filter((g) => g.ok).length).toBeGreaterThan(0);
          // The rotated refresh token went to the file and, sealed, to the Actions secret.
          expect(github.secrets.open('OUTREACH_REFRESH_TOKEN')).toBe(outreach.currentRefreshToken);
          expect(outreach.retiredRefreshTokens.length).toBeGreaterThan(1);
          // The Snowflake user's key was rotated: the refused JWT's error line is output too.
          snowflake.publicKey = createPublicKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
          expect((await run(label, ['plan', '--store', 'plugin-share', ...d], dir, env)).code).toBe(1);
        }

        // The credentials really were used (else the scan proves nothing).
        expect(github.requests.some((r) => r.authorization?.includes(SECRETS.GITHUB_TOKEN))).toBe(true);
        expect(outreach.tokenRequests.length).toBeGreaterThan(0);
        expect(snowflake.log.some((r) => r.method === 'POST' && r.status === 200)).toBe(true);

        const forms = secretForms();
        const leaks: string[] = [];
        for (const { label: l, result } of runs) leaks.push(...leaksIn(`${l} stdout`, result.stdout, forms), ...leaksIn(`${l} stderr`, result.stderr, forms));
        const files = await filesUnder(dir);
        expect(files.map((f) => relative(dir, f))).toEqual(expect.arrayContaining(['plan.json', 'imported.yaml', 'step-summary.md', '.mapsync/live.json']));
        expect(files.some((f) => /journal/.test(f))).toBe(true);
        expect(files.some((f) => /snapshot/.test(f))).toBe(true);
        for (const file of files) leaks.push(...leaksIn(relative(dir, file), await readFile(file, 'latin1'), forms), ...leaksIn(relative(dir, file), await readFile(file, 'utf8'), forms));
        for (const r of github.requests) leaks.push(...leaksIn(`GitHub ${r.method} ${r.path} body`, r.rawBody, forms));
        expect(leaks).toEqual([]);
        // About twenty CLI runs: give a busy machine room.
      }, 240_000);
    }
  }

  it('a secret inside an error message (a store path, a folder, a file name) is masked, also with --debug', async () => {
    const dir = await newProject();
    const env = stepEnv(dir, 'tokens');
    const token = SECRETS.OUTREACH_ACCESS_TOKEN;
    // Each of these names the secret in its output: as the store label of a plan, or in an error.
    const cases: [string[], number][] = [
      [['plan', '--store', `file:/nonexistent/${token}/live.json`], 0],
      [['plan', '--store', `file:mappings/team.yaml/${token}/live.json`], 1],
      [['validate', '--dir', `missing-${token}`], 1],
      [['plan', '--store', `bogus-${token}`], 1],
      [['apply', `plan-${token}.json`], 1],
      [['plan', '--config', `${token}.yaml`], 1],
      // commander's own argument errors (a secret pasted into the wrong place in a CI script)
      [['validate', '--format', token], 1],
      [['plan', `--bogus=${token}`], 1],
      [[token], 1],
    ];
    for (const [args, code] of cases) {
      for (const d of [[], ['--debug']]) {
        const result = await run('error path', [...args, ...d], dir, env);
        const what = `mapsync ${[...args, ...d].join(' ')}`;
        expect(result.code, `${what}\n${result.stderr}`).toBe(code);
        expect(result.stdout + result.stderr, what).toContain('***');
        expect(leaksIn(what, result.stdout + result.stderr, secretForms())).toEqual([]);
      }
    }
  });
});
