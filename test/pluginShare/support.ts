// Shared set-up for the plugin-share tests: a key pair registered on the fake Snowflake user,
// share rows built from a few lines, a project whose config points at the share, and the
// real CLI run against it.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { checksumSuffix } from '../../dist/crm/salesforceId.js';
import { makeProject, runCli } from '../helpers/cli.js';
import { startFakeSnowflake, type FakeSnowflake, type FakeSnowflakeOptions, type SharePluginMapping, type ShareUser } from '../fakes/snowflakeServer.js';

export const ORG = '4711';
export const ACCOUNT = 'xy12345.us-east-1';
export const USER = 'mapsync_reader';
export const DATABASE = 'OUTREACH_SHARE';
export const SCHEMA = 'PUBLIC';
export const WAREHOUSE = 'MAPSYNC_WH';

let keys: { privatePem: string; publicKey: KeyObject } | undefined;

/** One RSA key pair per test file: generating one is slow. */
export function keyPair(): { privatePem: string; publicKey: KeyObject } {
  if (!keys) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey };
  }
  return keys;
}

/** A valid canonical 18-character User ID for a number. */
export function crmId(n: number): string {
  const id15 = `005A${String(n).padStart(11, '0')}`;
  return id15 + checksumSuffix(id15);
}

export function shareUser(id: number, extra: Partial<ShareUser> = {}): ShareUser {
  return { ID: String(id), O_ID: ORG, FIRST_NAME: `First${id}`, LAST_NAME: `Last${id}`, EMAIL: `user${id}@example.com`, DML_AT: 1764979200, ...extra };
}

/** A live, enabled user-to-user mapping of the org. */
export function userMapping(outreachId: number, externalId: string, extra: Partial<SharePluginMapping> = {}): SharePluginMapping {
  return { O_ID: ORG, VALUE_TYPE: 'User', VALUE_ID: String(outreachId), EXTERNAL_TYPE: 'User', EXTERNAL_ID: externalId, ENABLED_AT: 1764000000, DML_AT: 1764979200, ...extra };
}

export function yamlFile(entries: { crm: string; outreach: number }[]): string {
  if (entries.length === 0) return 'mappings: []\n';
  return ['mappings:', ...entries.flatMap((e) => [`  - crmUserId: ${e.crm}`, `    outreachUserId: ${e.outreach}`])].join('\n') + '\n';
}

export interface ShareSetup {
  users?: ShareUser[];
  pluginMappings?: SharePluginMapping[];
  desired?: { crm: string; outreach: number }[];
  /** Extra lines under pluginShare: in the config (orgId by default). */
  config?: string;
  fake?: Partial<FakeSnowflakeOptions>;
  files?: Record<string, string>;
}

export async function setupShare(setup: ShareSetup, cleanups: (() => Promise<void>)[]) {
  const { privatePem, publicKey } = keyPair();
  const fake = await startFakeSnowflake({
    account: 'XY12345', user: 'MAPSYNC_READER', publicKey, database: DATABASE, schema: SCHEMA, warehouse: WAREHOUSE,
    users: setup.users ?? [], pluginMappings: setup.pluginMappings ?? [], ...setup.fake,
  });
  const config = setup.config ?? `  orgId: "${ORG}"\n  database: ${DATABASE}\n  schema: ${SCHEMA}\n`;
  const project = await makeProject({
    'mapsync.config.yaml': `store: plugin-share\npluginShare:\n${config}`,
    'mappings/team.yaml': yamlFile(setup.desired ?? []),
    ...setup.files,
  });
  cleanups.push(() => fake.close(), project.cleanup);
  const env: Record<string, string> = {
    SNOWFLAKE_ACCOUNT: ACCOUNT, SNOWFLAKE_USER: USER, SNOWFLAKE_PRIVATE_KEY: privatePem, SNOWFLAKE_WAREHOUSE: WAREHOUSE, SNOWFLAKE_URL: fake.url,
  };
  const run = (args: string[], extraEnv: Record<string, string | undefined> = {}) => runCli(args, { cwd: project.dir, env: { ...env, ...extraEnv } });
  return { fake, dir: project.dir, run, env, privatePem };
}

export type { FakeSnowflake };
