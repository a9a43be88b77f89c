// `import`: the live mappings as the YAML that reproduces them, so `plan` right after shows no
// changes. IDs canonical, names from the store or its directories, entries in fmt's order.
import { Document } from 'yaml';
import type { Directories } from '../directories/directory.js';
import type { LiveMapping } from '../model.js';

export interface ImportEntry {
  crmUserId: string;
  outreachUserId: number;
  name?: string;
}

export interface ImportResult {
  entries: ImportEntry[];
  /** One line per live mapping that could not be expressed (a user mapped twice). */
  skipped: string[];
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order `fmt` writes (src/desired/format.ts): named entries first, by name folded to lower
 * case, then the name as written, then crmUserId — so an imported file is already formatted.
 */
export function compareEntries(a: ImportEntry, b: ImportEntry): number {
  if ((a.name === undefined) !== (b.name === undefined)) return a.name === undefined ? 1 : -1;
  const an = a.name ?? '';
  const bn = b.name ?? '';
  return compareText(an.toLowerCase(), bn.toLowerCase()) || compareText(an, bn) || compareText(a.crmUserId, b.crmUserId) || a.outreachUserId - b.outreachUserId;
}

/** Fills names the store did not know from the directories, asking each once for every missing id. */
async function namesOf(mappings: readonly LiveMapping[], directories: Directories): Promise<(string | undefined)[]> {
  const crmMissing = mappings.filter((m) => !m.crmUserName).map((m) => m.crmUserId);
  const outreachMissing = mappings.filter((m) => !m.crmUserName && !m.outreachUserName).map((m) => m.outreachUserId);
  const [crm, outreach] = await Promise.all([
    directories.crm && crmMissing.length > 0 ? directories.crm.findUsers(crmMissing) : undefined,
    directories.outreach && outreachMissing.length > 0 ? directories.outreach.findUsers(outreachMissing) : undefined,
  ]);
  return mappings.map((m) => (m.crmUserName || crm?.get(m.crmUserId)?.name || m.outreachUserName || outreach?.get(m.outreachUserId)?.name || undefined));
}

export async function importEntries(mappings: readonly LiveMapping[], directories: Directories): Promise<ImportResult> {
  const byCrm = new Map<string, number>();
  const byOutreach = new Map<number, number>();
  for (const m of mappings) {
    byCrm.set(m.crmUserId, (byCrm.get(m.crmUserId) ?? 0) + 1);
    byOutreach.set(m.outreachUserId, (byOutreach.get(m.outreachUserId) ?? 0) + 1);
  }
  const names = await namesOf(mappings, directories);
  const entries: ImportEntry[] = [];
  const skipped: string[] = [];
  mappings.forEach((m, i) => {
    const pair = `${m.crmUserId} <-> ${m.outreachUserId}`;
    // mappings/ cannot say "this user twice"; choosing one would silently decide which seat is right.
    if (byCrm.get(m.crmUserId)! > 1) return void skipped.push(`${pair}: CRM user ${m.crmUserId} is mapped ${byCrm.get(m.crmUserId)} times in the live store`);
    if (byOutreach.get(m.outreachUserId)! > 1) return void skipped.push(`${pair}: Outreach user ${m.outreachUserId} is mapped ${byOutreach.get(m.outreachUserId)} times in the live store`);
    const name = names[i]?.trim();
    entries.push({ crmUserId: m.crmUserId, outreachUserId: m.outreachUserId, ...(name ? { name } : {}) });
  });
  entries.sort(compareEntries);
  return { entries, skipped };
}

/** The YAML text, with the schema modeline pointing at `schemaPath` (relative to the file). */
export function importYaml(entries: readonly ImportEntry[], schemaPath: string): string {
  // The yaml library quotes any value that would otherwise read back as something else.
  const doc = new Document({ mappings: entries.map((e) => ({ ...e })) });
  // lineWidth 0: never fold a long name onto a second line.
  return `# yaml-language-server: $schema=${schemaPath}\n${doc.toString({ lineWidth: 0, indentSeq: true })}`;
}
