// Shared set-up for the Salesforce tests: an org with users, a project with mapping files,
// the credentials in the environment, and a record of every output for the secrets scan.
import { makeProject, runCli, type CliResult } from '../helpers/cli.js';
import { userId, type FakeSalesforce } from '../fakes/salesforceServer.js';

export const TOKEN = 'fake-access-token-00DAbC!xyz987';
export const USERNAME = 'integration@example.com';
export const PASSWORD = 'hunter2-Pa55word';
export const SECURITY_TOKEN = 'SecTok9fZ3kQ';

/** Every CLI output of the run, scanned for credentials at the end. */
export const outputs: CliResult[] = [];

export const tokenEnv = (sf: FakeSalesforce, extra: Record<string, string> = {}) => ({
  SF_INSTANCE_URL: sf.url,
  SF_ACCESS_TOKEN: TOKEN,
  MAPSYNC_SALESFORCE_RETRY_MS: '5',
  ...extra,
});

export const loginEnv = (sf: FakeSalesforce, extra: Record<string, string> = {}) => ({
  SF_LOGIN_URL: sf.url,
  SF_USERNAME: USERNAME,
  SF_PASSWORD: PASSWORD,
  SF_SECURITY_TOKEN: SECURITY_TOKEN,
  MAPSYNC_SALESFORCE_RETRY_MS: '5',
  ...extra,
});

export interface Pair {
  crm: number;
  outreach: number;
}

/** Users 1..count in the org; `mapped(n)` gives the field value of user n (or null). */
export function seedOrg(sf: FakeSalesforce, count: number, mapped: (n: number) => unknown, field = 'Outreach_User_Id__c'): void {
  for (let n = 1; n <= count; n++) {
    sf.addUser({ Id: userId(n), Name: `User ${n}`, Email: `user${n}@example.com`, IsActive: true, [field]: mapped(n) ?? null });
  }
}

export function mappingsYaml(pairs: Pair[]): string {
  if (pairs.length === 0) return 'mappings: []\n';
  return `mappings:\n${pairs.map((p) => `  - crmUserId: ${userId(p.crm)}\n    outreachUserId: ${p.outreach}\n`).join('')}`;
}

export async function project(pairs: Pair[], extra: Record<string, string> = {}) {
  return makeProject({ 'mappings/team.yaml': mappingsYaml(pairs), ...extra });
}

export async function cli(args: string[], cwd: string, env: Record<string, string | undefined>): Promise<CliResult> {
  const result = await runCli(args, { cwd, env });
  outputs.push(result);
  return result;
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export interface PlanJson {
  summary: { add: number; remove: number; unchanged: number };
  changes: { action: string; crmUserId: string; outreachUserId: number }[];
  warnings: { code: string; message: string; crmUserId?: string }[];
  errors?: { code: string; message: string; file: string; line: number }[];
}
