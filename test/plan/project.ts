// A temporary mapsync project for CLI tests: mappings/*.yaml and a seeded file store
// (.mapsync/live.json with crmUsers / outreachUsers directories, CONTRACT §4).
import { makeProject } from '../helpers/cli.js';
import { crmId } from './fixtures.js';

export interface Person {
  /** Test user number: CRM ID crmId(n). */
  crm: number;
  outreach: number;
  name: string;
}

export function yamlOf(people: Person[]): string {
  const lines = ['# yaml-language-server: $schema=../schema/user-mappings.schema.json', 'mappings:'];
  for (const p of people) lines.push(`  - crmUserId: ${crmId(p.crm)}`, `    outreachUserId: ${p.outreach}`, `    name: ${p.name}`);
  return lines.join('\n') + '\n';
}

export interface StoreSeed {
  mappings: Array<[number, number]>;
  crmUsers?: Array<{ n: number; name: string; active?: boolean }>;
  outreachUsers?: Array<{ id: number; name: string; locked?: boolean }>;
}

export function storeOf(seed: StoreSeed): string {
  return JSON.stringify({
    mappings: seed.mappings.map(([crm, outreachUserId]) => ({ crmUserId: crmId(crm), outreachUserId })),
    ...(seed.crmUsers ? { crmUsers: seed.crmUsers.map((u) => ({ id: crmId(u.n), name: u.name, email: `${u.n}@example.com`, active: u.active ?? true })) } : {}),
    ...(seed.outreachUsers ? { outreachUsers: seed.outreachUsers.map((u) => ({ id: u.id, name: u.name, locked: u.locked ?? false })) } : {}),
  }, null, 2);
}

/** Directories that know everyone in `people` under the same name. */
export function directoriesFor(people: Person[]): Pick<StoreSeed, 'crmUsers' | 'outreachUsers'> {
  return {
    crmUsers: people.map((p) => ({ n: p.crm, name: p.name })),
    outreachUsers: people.map((p) => ({ id: p.outreach, name: p.name })),
  };
}

export function project(files: Record<string, string>) {
  return makeProject(files);
}
