// Builders for apply and file-store tests: valid Salesforce IDs, file-store JSON, mapping YAML.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { to18 } from '../../src/crm/salesforceId.js';

/** The i-th test CRM user ID in canonical 18-character form. */
export function crmId(i: number): string {
  return to18(`005${String(i).padStart(12, '0')}`);
}

export interface Pair {
  crm: number;
  outreach: number;
  name?: string;
}

export function liveStore(pairs: readonly Pair[], extra: Record<string, unknown> = {}): string {
  const mappings = pairs.map((p) => ({
    crmUserId: crmId(p.crm),
    outreachUserId: p.outreach,
    ...(p.name ? { crmUserName: p.name, outreachUserName: p.name } : {}),
  }));
  return JSON.stringify({ mappings, ...extra }, null, 2) + '\n';
}

export function mappingYaml(pairs: readonly Pair[]): string {
  if (pairs.length === 0) return 'mappings: []\n';
  return 'mappings:\n' + pairs.map((p) => `  - crmUserId: ${crmId(p.crm)}\n    outreachUserId: ${p.outreach}\n${p.name ? `    name: ${p.name}\n` : ''}`).join('');
}

/** n pairs i <-> i (1..n), named "User i". */
export function pairs(n: number, from = 1): Pair[] {
  return Array.from({ length: n }, (_, k) => ({ crm: from + k, outreach: from + k, name: `User ${from + k}` }));
}

export const STORE = '.mapsync/live.json';

export async function readStore(dir: string, path = STORE): Promise<{ mappings: { crmUserId: string; outreachUserId: number }[]; [key: string]: unknown }> {
  return JSON.parse(await readFile(join(dir, path), 'utf8'));
}

/** The live pairs as "crmId<->outreach" strings, sorted, for order-free comparison. */
export async function livePairs(dir: string, path = STORE): Promise<string[]> {
  return (await readStore(dir, path)).mappings.map((m) => `${m.crmUserId}<->${m.outreachUserId}`).sort();
}

export function pairStrings(list: readonly Pair[]): string[] {
  return list.map((p) => `${crmId(p.crm)}<->${p.outreach}`).sort();
}
