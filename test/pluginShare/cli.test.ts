// The real CLI reading the plugin's mapped-user list through the fake Snowflake SQL API, which
// executes the statement mapsync sends against seeded tables: every row the statement must
// leave out is seeded next to the rows it must read, so a missing filter fails here.
import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliResult } from '../helpers/cli.js';
import { crmId, ORG, setupShare, shareUser, userMapping, type FakeSnowflake } from './support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function expectNoSecrets(result: CliResult, fake: FakeSnowflake, privatePem: string): void {
  const output = result.stdout + result.stderr;
  for (const line of privatePem.split('\n')) if (line.length >= 16 && !line.startsWith('-----')) expect(output).not.toContain(line);
  expect(fake.tokensSeen.size).toBeGreaterThan(0);
  for (const token of fake.tokensSeen) {
    expect(output).not.toContain(token);
    // Not even the signature alone.
    expect(output).not.toContain(token.split('.')[2]);
  }
}

const requests = (fake: FakeSnowflake) => fake.log.map((r) => `${r.method} ${r.partition === undefined ? r.path : `partition ${r.partition}`} ${r.status}`);

describe('plan --store plugin-share reads exactly the plugin\'s user mappings', () => {
  it('leaves out deleted, disabled, other-org, prospect, contact and deleted-user rows', async () => {
    const users = [1, 2, 3, 4, 5, 6, 7].map((id) => shareUser(id));
    users.push(shareUser(8, { IS_DELETED_IN_APP: true }));
    // Another org's user 9, and another org's row for user 1 with another name.
    users.push(shareUser(9, { O_ID: '999' }), shareUser(1, { O_ID: '999', FIRST_NAME: 'Other', LAST_NAME: 'Org' }));
    const pluginMappings = [
      userMapping(1, crmId(1), { DML_AT: 1764900000 }),
      userMapping(2, crmId(2), { DML_AT: 1764990000.25 }),
      userMapping(3, crmId(3), { IS_DELETED_IN_APP: true, DML_AT: 1765990000 }), // deleted in the app
      userMapping(4, crmId(4), { ENABLED_AT: null }), // disabled
      userMapping(5, crmId(5), { O_ID: '999' }), // another org
      userMapping(6, crmId(6), { VALUE_TYPE: 'Prospect' }), // a prospect, not a user
      userMapping(7, crmId(7), { EXTERNAL_TYPE: 'Contact' }), // a contact, not a user
      userMapping(8, crmId(8)), // its Outreach user was deleted
    ];
    const { fake, run, privatePem } = await setupShare({ users, pluginMappings, desired: [{ crm: crmId(1), outreach: 1 }, { crm: crmId(2), outreach: 2 }] }, cleanups);
    const result = await run(['plan', '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.store).toBe('plugin-share');
    expect(plan.summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 2 });
    expect(plan.warnings).toEqual([]);
    // One statement, the org bound as a variable, the database and schema in the body.
    expect(requests(fake)).toEqual(['POST /api/v2/statements 200']);
    expect(fake.log[0]!.bindings).toEqual([ORG]);
    expect(fake.log[0]!.statement).not.toContain(ORG);

    // What the share holds, as the plan on the file store would see it: import writes it out.
    const imported = await run(['import']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(crmId(1));
    expect(imported.stdout).toContain('First2 Last2');
    for (const n of [3, 4, 5, 6, 7, 8]) expect(imported.stdout).not.toContain(crmId(n));
    expect(imported.stdout).not.toContain('Other Org');
    expectNoSecrets(result, fake, privatePem);
  });

  it('names Outreach users from USERS and refuses a desired user the share does not hold (a deleted one)', async () => {
    const users = [shareUser(1), shareUser(8, { IS_DELETED_IN_APP: true }), shareUser(9, { O_ID: '999' })];
    const { run } = await setupShare({ users, pluginMappings: [], desired: [{ crm: crmId(1), outreach: 1 }, { crm: crmId(8), outreach: 8 }, { crm: crmId(9), outreach: 9 }] }, cleanups);
    const result = await run(['plan']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Outreach user 8 is not in');
    expect(result.stdout).toContain('Outreach user 9 is not in');
    expect(result.stdout).not.toContain('Outreach user 1 is not in');
  });

  it('canonicalises 15-character IDs, repairs an 18-character ID in the wrong case, and warns about a value that is no user ID', async () => {
    const users = [1, 2, 3, 4].map((id) => shareUser(id));
    const pluginMappings = [
      userMapping(1, crmId(1).slice(0, 15)),
      userMapping(2, crmId(2).toLowerCase()),
      userMapping(3, 'not-a-user-id'),
      userMapping(4, crmId(4)),
    ];
    const desired = [{ crm: crmId(1), outreach: 1 }, { crm: crmId(2), outreach: 2 }, { crm: crmId(4), outreach: 4 }];
    const { run } = await setupShare({ users, pluginMappings, desired }, cleanups);
    const result = await run(['plan', '--format', 'json']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 3 });
    // The repair is taken (the pair is unchanged) and said, with both forms: a repair can name another user than the one meant.
    expect(plan.warnings.map((w: { code: string; outreachUserId?: number }) => [w.code, w.outreachUserId])).toEqual([['live-id-repaired', 2], ['live-invalid-value', 3]]);
    expect(plan.warnings[0].message).toContain(`"${crmId(2).toLowerCase()}" fails the Salesforce checksum as written; read as ${crmId(2)}`);
    expect(plan.warnings[1].message).toContain('"not-a-user-id"');
    expect(plan.warnings[1].message).toContain('First3 Last3');
  });

  it('reads Dynamics GUIDs under crm: dynamics', async () => {
    const guid = '3F2504E0-4F89-11D3-9A0C-0305E82C3301';
    const { run } = await setupShare({
      users: [shareUser(1), shareUser(2)],
      pluginMappings: [userMapping(1, guid), userMapping(2, crmId(2))],
      desired: [{ crm: guid.toLowerCase(), outreach: 1 }],
      files: { 'mapsync.config.yaml': `crm: dynamics\nstore: plugin-share\npluginShare:\n  orgId: ${ORG}\n  database: OUTREACH_SHARE\n  schema: PUBLIC\n` },
    }, cleanups);
    const result = await run(['plan', '--format', 'json']);
    expect(result.stderr).toBe('');
    const plan = JSON.parse(result.stdout);
    expect(plan.summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 1 });
    // A Salesforce ID in a Dynamics org's plugin list is not taken as a mapping.
    expect(plan.warnings.map((w: { code: string; outreachUserId?: number }) => [w.code, w.outreachUserId])).toEqual([['live-invalid-value', 2]]);
  });

  it('reports a CRM user mapped to two Outreach users as live-duplicate, and the same pair on two rows once', async () => {
    const users = [1, 2].map((id) => shareUser(id));
    const pluginMappings = [userMapping(1, crmId(1)), userMapping(2, crmId(1)), userMapping(1, crmId(1).slice(0, 15))];
    const { run } = await setupShare({ users, pluginMappings, desired: [{ crm: crmId(1), outreach: 1 }] }, cleanups);
    const result = await run(['plan', '--format', 'json']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.changes).toMatchObject([{ action: 'remove', crmUserId: crmId(1), outreachUserId: 2 }]);
    const duplicates = plan.warnings.filter((w: { code: string }) => w.code === 'live-duplicate');
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0].message).toContain(crmId(1));
  });

  it('reads 5,000 users over several gzip partitions: one statement and one GET per further partition', async () => {
    const count = 5000;
    const users = Array.from({ length: count }, (_, i) => shareUser(i + 1));
    const pluginMappings = users.map((u) => userMapping(Number(u.ID), crmId(Number(u.ID))));
    const desired = pluginMappings.map((m) => ({ crm: m.EXTERNAL_ID!, outreach: Number(m.VALUE_ID) }));
    const { fake, run } = await setupShare({ users, pluginMappings, desired, fake: { rowsPerPartition: 1000 } }, cleanups);
    const result = await run(['plan', '--format', 'json']);
    expect(result.stderr).toBe('');
    const plan = JSON.parse(result.stdout);
    expect(plan.summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: count });
    // 5,000 mapping rows + 5,000 user rows = 10 partitions: the POST brings partition 0.
    const partitions = fake.log.filter((r) => r.partition !== undefined);
    expect(fake.log).toHaveLength(1 + 9);
    expect(fake.log[0]!.method).toBe('POST');
    expect(partitions.map((r) => r.partition).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(partitions.every((r) => r.status === 200 && r.gzip === true)).toBe(true);
  });
});

describe('plan --store plugin-share over the SQL API\'s answers', () => {
  const small = { users: [shareUser(1)], pluginMappings: [userMapping(1, crmId(1))], desired: [{ crm: crmId(1), outreach: 1 }] };

  it('polls a statement that is still running (202) until it answers', async () => {
    const { fake, run } = await setupShare({ ...small, fake: { pendingAnswers: 3 } }, cleanups);
    const result = await run(['plan', '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).summary.unchanged).toBe(1);
    expect(requests(fake)).toEqual([
      'POST /api/v2/statements 202',
      `GET ${fake.log[1]!.path} 202`,
      `GET ${fake.log[1]!.path} 202`,
      `GET ${fake.log[1]!.path} 200`,
    ]);
    expect(fake.log[1]!.path).toMatch(/^\/api\/v2\/statements\/[0-9a-f-]{36}$/);
  });

  it('waits for Retry-After on 429 and retries a 503 and a partition\'s 504', async () => {
    const users = Array.from({ length: 30 }, (_, i) => shareUser(i + 1));
    const { fake, run } = await setupShare({
      users, pluginMappings: [], desired: [],
      fake: { rowsPerPartition: 20, faults: [{ on: 'statement', status: 429, retryAfter: 1 }, { on: 'statement', status: 503 }, { on: 'partition', status: 504 }] },
    }, cleanups);
    const result = await run(['plan', '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(requests(fake)).toEqual(['POST /api/v2/statements 429', 'POST /api/v2/statements 503', 'POST /api/v2/statements 200', 'GET partition 1 504', 'GET partition 1 200']);
    expect(fake.log[1]!.at - fake.log[0]!.at).toBeGreaterThanOrEqual(1000);
    // The same requestId on every try, marked as a retry: Snowflake runs it once.
    expect(fake.statements).toHaveLength(1);
  });

  it('signs one new JWT after a 401 and goes on', async () => {
    const { fake, run } = await setupShare({ ...small, fake: { faults: [{ on: 'statement', status: 401 }] } }, cleanups);
    const result = await run(['plan', '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(requests(fake)).toEqual(['POST /api/v2/statements 401', 'POST /api/v2/statements 200']);
  });

  it('stops with one line after a second 401, and never prints the key or the JWT', async () => {
    const { fake, run, privatePem } = await setupShare({ ...small, fake: { faults: [{ on: 'statement', status: 401, times: 2 }] } }, cleanups);
    for (const args of [['plan'], ['plan', '--debug']]) {
      fake.log.length = 0;
      const result = await run(args);
      expect(result.code).toBe(1);
      expect(requests(fake)).toEqual(['POST /api/v2/statements 401', 'POST /api/v2/statements 401']);
      const lines = result.stderr.trim().split('\n').filter((line) => !line.startsWith('debug: '));
      expect(lines[0]).toBe('error: Snowflake refused the key-pair JWT for user MAPSYNC_READER in account XY12345: JWT token is invalid.');
      expect(lines[1]).toMatch(/^hint: .*RSA_PUBLIC_KEY_FP = SHA256:[A-Za-z0-9+/=]{44}/);
      // Without --debug, exactly the line and its hint; with it, a stack may follow.
      if (args.length === 1) expect(lines).toHaveLength(2);
      expectNoSecrets(result, fake, privatePem);
      // Reset the faults for the --debug run.
      (fake as unknown as { faults: { left: number }[] }).faults[0]!.left = 2;
    }
  });

  it('is refused with a key that is not the user\'s (the fake checks the signature and the fingerprint)', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { fake, run } = await setupShare(small, cleanups);
    // Also as one line with literal \n, the way a secret is often pasted.
    const result = await run(['plan'], { SNOWFLAKE_PRIVATE_KEY: other.trim().replace(/\n/g, '\\n') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Snowflake refused the key-pair JWT');
    expect(requests(fake)).toEqual(['POST /api/v2/statements 401', 'POST /api/v2/statements 401']);
    expect(result.stdout + result.stderr).not.toContain(other.split('\n')[1]);
  });

  it('explains a SQL error in one line naming the database, schema and grant', async () => {
    const { run } = await setupShare({ ...small, fake: { omitTables: ['PLUGIN_MAPPINGS'] } }, cleanups);
    const result = await run(['plan']);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe(
      "error: Snowflake could not read the plugin list: SQL compilation error: Object 'PLUGIN_MAPPINGS' does not exist or not authorized. — check pluginShare.database (OUTREACH_SHARE) and pluginShare.schema (PUBLIC) in mapsync.config.yaml, that the user's default role (or set SNOWFLAKE_ROLE) has IMPORTED PRIVILEGES on the share's database, and USAGE on SNOWFLAKE_WAREHOUSE",
    );
    expect(lines).toHaveLength(2);
  });

  it('names a wrong database the same way', async () => {
    const { run } = await setupShare({ ...small, config: `  orgId: "${ORG}"\n  database: OUTREACH_SHAR\n  schema: PUBLIC\n` }, cleanups);
    const result = await run(['plan'], { SNOWFLAKE_ROLE: 'MAPSYNC_READER_ROLE' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Database 'OUTREACH_SHAR' does not exist or not authorized. — check pluginShare.database (OUTREACH_SHAR)");
    expect(result.stderr).toContain('role MAPSYNC_READER_ROLE (SNOWFLAKE_ROLE)');
  });

  it('reads timestamps in the calendar form too, and says how fresh the list is', async () => {
    const pluginMappings = [userMapping(1, crmId(1), { DML_AT: 1764500000 }), userMapping(2, crmId(2), { DML_AT: 1764578100.5 })];
    for (const timestampFormat of ['epoch', 'text'] as const) {
      const { run } = await setupShare({ users: [shareUser(1), shareUser(2)], pluginMappings, desired: [{ crm: crmId(1), outreach: 1 }], fake: { timestampFormat } }, cleanups);
      const result = await run(['plan', '--format', 'json'], { TZ: 'America/Los_Angeles' });
      expect(result.code).toBe(0);
      const plan = JSON.parse(result.stdout);
      expect(plan.summary.remove).toBe(1);
      // The latest DML_AT of the mapping rows counted, in UTC whatever the machine's zone.
      expect(plan.asOf).toBe('2025-12-01T08:35:00.500Z');
      expect(plan.readOnly).toBe(true);
      const text = await run(['plan'], { TZ: 'America/Los_Angeles' });
      expect(text.stdout).toContain('plugin list as of 2025-12-01 08:35 UTC');
    }
  });
});

describe('freshness without mappings', () => {
  it('is the latest change among the users read when the plugin maps nobody', async () => {
    const users = [shareUser(1, { DML_AT: 1764000000 }), shareUser(2, { DML_AT: 1764500000 }), shareUser(3, { O_ID: '999', DML_AT: 1769999999 })];
    const { run } = await setupShare({ users, pluginMappings: [userMapping(1, crmId(1), { ENABLED_AT: null, DML_AT: 1768888888 })] }, cleanups);
    const result = await run(['plan', '--format', 'json']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.summary.unchanged).toBe(0);
    expect(plan.asOf).toBe(new Date(1764500000 * 1000).toISOString());
  });
});

describe('the org, the settings and the environment', () => {
  it('reads the one org the share holds when pluginShare.orgId is omitted, in one statement', async () => {
    const { fake, run } = await setupShare({
      users: [shareUser(1), shareUser(2)], pluginMappings: [userMapping(1, crmId(1))], desired: [{ crm: crmId(1), outreach: 1 }],
      config: '  database: OUTREACH_SHARE\n  schema: PUBLIC\n',
    }, cleanups);
    const result = await run(['plan', '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 1 });
    expect(requests(fake)).toEqual(['POST /api/v2/statements 200']);
    expect(fake.log[0]!.bindings).toEqual([]);
  });

  it('lists the orgs when the share holds several and no orgId is set', async () => {
    const { fake, run } = await setupShare({
      users: [shareUser(1), shareUser(2, { O_ID: '999' })], pluginMappings: [userMapping(1, crmId(1)), userMapping(3, crmId(3), { O_ID: '1234' })],
      config: '  database: OUTREACH_SHARE\n  schema: PUBLIC\n',
    }, cleanups);
    const result = await run(['plan']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: the share OUTREACH_SHARE.PUBLIC holds 3 Outreach orgs (O_ID 1234, 4711, 999): say which one to read');
    expect(result.stderr).toContain('hint: set pluginShare.orgId in mapsync.config.yaml');
    expect(requests(fake)).toEqual(['POST /api/v2/statements 200']);
  });

  it('names every missing variable in one line, and a missing database setting', async () => {
    const { fake, run } = await setupShare({}, cleanups);
    const missing = await run(['plan'], { SNOWFLAKE_USER: undefined, SNOWFLAKE_PRIVATE_KEY: undefined, SNOWFLAKE_WAREHOUSE: '' });
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')[0]).toBe(
      'error: the plugin-share store reads Outreach Data Sharing through Snowflake, and SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY (or SNOWFLAKE_PRIVATE_KEY_FILE), SNOWFLAKE_WAREHOUSE are not set',
    );
    const { run: runNoDb } = await setupShare({ config: '  schema: PUBLIC\n' }, cleanups);
    const noDb = await runNoDb(['plan']);
    expect(noDb.code).toBe(1);
    expect(noDb.stderr).toContain('error: the plugin-share store needs pluginShare.database in mapsync.config.yaml');
    expect(fake.log).toEqual([]);
  });

  it('suggests the right key for a mistyped pluginShare setting', async () => {
    const { run } = await setupShare({ config: '  orgID: 1\n  database: D\n  schema: S\n' }, cleanups);
    const result = await run(['plan']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown setting "pluginShare.orgID" — did you mean pluginShare.orgId?');
  });

  it('reads the key from SNOWFLAKE_PRIVATE_KEY_FILE', async () => {
    const { fake, run, dir, privatePem } = await setupShare({ ...{ users: [shareUser(1)], pluginMappings: [userMapping(1, crmId(1))] }, files: {} }, cleanups);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'rsa_key.p8'), privatePem);
    const result = await run(['plan', '--format', 'json'], { SNOWFLAKE_PRIVATE_KEY: undefined, SNOWFLAKE_PRIVATE_KEY_FILE: join(dir, 'rsa_key.p8') });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).summary.remove).toBe(1);
    expect(requests(fake)).toEqual(['POST /api/v2/statements 200']);
  });
});

describe('adopting mapsync from the plugin list', () => {
  it('import --store plugin-share, then plan shows no changes', async () => {
    const users = [1, 2, 3].map((id) => shareUser(id));
    const pluginMappings = [userMapping(1, crmId(1)), userMapping(2, crmId(2).slice(0, 15)), userMapping(3, crmId(3), { ENABLED_AT: null })];
    const { run, dir } = await setupShare({ users, pluginMappings, files: { 'mappings/team.yaml': 'mappings: []\n' } }, cleanups);
    const imported = await run(['import', '--store', 'plugin-share', '--out', 'mappings/team.yaml', '--force']);
    expect(imported.stderr).not.toContain('error');
    expect(imported.code).toBe(0);
    const yaml = await readFile(join(dir, 'mappings/team.yaml'), 'utf8');
    expect(yaml).toContain(crmId(2));
    expect(yaml).not.toContain(crmId(3));
    const plan = await run(['plan', '--format', 'json']);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 2 });
  });

  it('apply never writes to the plugin list', async () => {
    const { fake, run } = await setupShare({ users: [shareUser(1)], pluginMappings: [userMapping(1, crmId(1))], desired: [] }, cleanups);
    const result = await run(['apply', '--auto-approve']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no write API|read-only|only reads/);
    expect(fake.log.every((r) => r.method === 'POST' ? r.statement !== undefined && !/\b(INSERT|UPDATE|DELETE|MERGE)\b/i.test(r.statement) : true)).toBe(true);
  });
});
