// Shared set-up for the Dynamics tests: an org with systemusers, a project with mapping files,
// the credentials in the environment, and a record of every output for the secrets scan.
import { makeProject, runCli, type CliResult } from '../helpers/cli.js';
import { systemUserId, type FakeDataverse } from '../fakes/dataverseServer.js';

export const FIELD = 'new_outreachuserid';

/** Every CLI output of the run, scanned for credentials at the end. */
export const outputs: CliResult[] = [];

export const dvEnv = (dv: FakeDataverse, extra: Record<string, string> = {}) => ({ ...dv.env(), MAPSYNC_DYNAMICS_RETRY_MS: '5', ...extra });

export interface Pair {
  crm: number;
  outreach: number;
}

/** systemusers 1..count; `mapped(n)` gives user n's column value (or null). */
export function seedOrg(dv: FakeDataverse, count: number, mapped: (n: number) => unknown, disabled: (n: number) => boolean = () => false): void {
  for (let n = 1; n <= count; n++) {
    dv.addUser({ systemuserid: systemUserId(n), fullname: `User ${n}`, internalemailaddress: `user${n}@example.com`, isdisabled: disabled(n), [FIELD]: mapped(n) ?? null });
  }
}

export function mappingsYaml(pairs: readonly Pair[]): string {
  if (pairs.length === 0) return 'mappings: []\n';
  return `mappings:\n${pairs.map((p) => `  - crmUserId: ${systemUserId(p.crm)}\n    outreachUserId: ${p.outreach}\n`).join('')}`;
}

/** A project on Dynamics: `crm: dynamics` and `store: dynamics` in its config. */
export async function project(pairs: readonly Pair[], extra: Record<string, string> = {}) {
  return makeProject({ 'mapsync.config.yaml': CONFIG, 'mappings/team.yaml': mappingsYaml(pairs), ...extra });
}

export const CONFIG = 'crm: dynamics\nstore: dynamics\n';

export async function cli(args: string[], cwd: string, env: Record<string, string | undefined>): Promise<CliResult> {
  const result = await runCli(args, { cwd, env, timeoutMs: 60_000 });
  outputs.push(result);
  return result;
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export interface PlanJson {
  summary: { add: number; remove: number; unchanged: number; replace?: number };
  changes: { action: string; crmUserId: string; outreachUserId: number }[];
  warnings: { code: string; message: string; crmUserId?: string }[];
  errors?: { code: string; message: string; file: string; line: number }[];
}
