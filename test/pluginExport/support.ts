// Builders for the plugin-export tests: a users CSV as Outreach's Users page exports it, and a
// project whose store is that CSV.
import { makeProject } from '../helpers/cli.js';
import { crmId } from '../plan/fixtures.js';

export { crmId };

export interface ExportUser {
  id: number | string;
  first?: string;
  last?: string;
  email?: string;
  /** The User External ID cell as written (an 18- or 15-character ID, a GUID, or ''). */
  external: string;
  locked?: boolean;
}

/** A CSV field, quoted the way spreadsheets quote (always, doubling quotes). */
export const field = (value: string) => `"${value.replace(/"/g, '""')}"`;

/** The export with the headers Outreach uses, CRLF line ends like a spreadsheet's. */
export function exportCsv(users: readonly ExportUser[], options: { bom?: boolean; headers?: string[] } = {}): string {
  const headers = options.headers ?? ['ID', 'First Name', 'Last Name', 'Email', 'User External ID', 'Locked'];
  const rows = users.map((u) => [String(u.id), u.first ?? '', u.last ?? '', u.email ?? '', u.external, u.locked ? 'true' : 'false'].map(field).join(','));
  return (options.bom ? '\uFEFF' : '') + [headers.map(field).join(','), ...rows].join('\r\n') + '\r\n';
}

export function mappingsYaml(entries: ReadonlyArray<{ crm: string; outreach: number; name?: string }>): string {
  const lines = ['mappings:'];
  for (const e of entries) {
    lines.push(`  - crmUserId: ${e.crm}`, `    outreachUserId: ${e.outreach}`);
    if (e.name) lines.push(`    name: ${JSON.stringify(e.name)}`);
  }
  if (entries.length === 0) lines[0] = 'mappings: []';
  return lines.join('\n') + '\n';
}

/** A project with mappings/team.yaml, users.csv and a config whose store is the CSV. */
export async function exportProject(files: { yaml: string; csv: string; config?: string }) {
  return makeProject({
    'mappings/team.yaml': files.yaml,
    'users.csv': files.csv,
    'mapsync.config.yaml': files.config ?? 'store: plugin-export:users.csv\n',
  });
}
