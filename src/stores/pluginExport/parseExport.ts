// The users CSV that Outreach's Users page exports (Administration → Users, select, … → Export),
// read as the CRM plugin's mapped-user list: per row an Outreach user and its User External ID,
// the CRM user the plugin maps it to (CONTRACT §12). Parsing is csv-parse's (quotes, commas and
// newlines inside quotes, a BOM); this file finds the columns and checks every value.
//
// Rows are counted the way a spreadsheet shows them: the header is row 1, and a record whose
// quoted cell holds a line break is still one row (csv-parse reports the record count for that;
// the physical line, which can be further down the file, is said too when it differs).
import { parse, CsvError } from 'csv-parse/sync';
import { CONFIG_FILE, PLUGIN_EXPORT_COLUMN_KEYS, type PluginExportColumnKey, type PluginExportColumns } from '../../config.js';
import type { CrmIdRules } from '../../crm/index.js';
import type { OutreachUser } from '../../directories/directory.js';
import { MapsyncError } from '../../errors.js';
import type { CrmUserId } from '../../model.js';
import { repairMessage } from '../repairedId.js';

/** The headers §12 names for each column, in the order they are tried. */
export const DEFAULT_COLUMNS: Record<PluginExportColumnKey, readonly string[]> = {
  outreachUserId: ['ID', 'User ID'],
  crmUserId: ['User External ID', 'External ID'],
  name: ['Name'],
  firstName: ['First Name'],
  lastName: ['Last Name'],
  email: ['Email'],
  locked: ['Locked'],
};

/** What each column holds, for messages. */
const COLUMN_MEANING: Record<PluginExportColumnKey, string> = {
  outreachUserId: 'the Outreach user ID',
  crmUserId: 'the CRM user the plugin maps it to',
  name: 'the user\'s name',
  firstName: 'the first name',
  lastName: 'the last name',
  email: 'the email',
  locked: 'whether the user is locked',
};

export interface ExportRow {
  /** Spreadsheet row (header = 1). */
  row: number;
  user: OutreachUser;
  /** The canonical CRM user ID the plugin maps this user to; undefined when not mapped. */
  crmUserId?: CrmUserId;
  /** Set when the cell failed its checksum and `crmUserId` is its letter case repaired: what to warn about. */
  repaired?: { message: string };
}

export interface ParsedExport {
  rows: ExportRow[];
}

const normalise = (header: string) => header.trim().replace(/\s+/g, ' ').toLowerCase();

const CODE = 'plugin-export-invalid';

/** One line; with `at`, `--format json` also gets the file and the row (as `line`). */
function exportError(message: string, hint?: string, at?: { file: string; row: number }): MapsyncError {
  const details = at ? [{ code: CODE, message, file: at.file, line: at.row }] : undefined;
  return new MapsyncError(message, { code: CODE, hint, ...(details ? { details } : {}) });
}

/** Which column index holds each key; undefined for optional columns the file does not have. */
function findColumns(headers: readonly string[], overrides: PluginExportColumns, shown: string): Partial<Record<PluginExportColumnKey, number>> {
  const index = new Map<string, number>();
  headers.forEach((h, i) => { if (!index.has(normalise(h))) index.set(normalise(h), i); });
  const found: Partial<Record<PluginExportColumnKey, number>> = {};
  const listed = headers.map((h) => JSON.stringify(h.trim())).join(', ') || '(none)';
  for (const key of PLUGIN_EXPORT_COLUMN_KEYS) {
    const override = overrides[key];
    const candidates = override !== undefined ? [override] : DEFAULT_COLUMNS[key];
    const at = candidates.map((c) => index.get(normalise(c))).find((i) => i !== undefined);
    if (at !== undefined) {
      found[key] = at;
      continue;
    }
    // The two IDs are what the list is; a column the config names must be there too.
    if (override !== undefined || key === 'outreachUserId' || key === 'crmUserId') {
      const looked = candidates.map((c) => JSON.stringify(c)).join(' or ');
      throw exportError(
        `${shown}: no column for ${COLUMN_MEANING[key]} (looked for ${looked}); the headers found are ${listed}`,
        `set pluginExport.columns.${key} in ${CONFIG_FILE} to the header that holds ${COLUMN_MEANING[key]}`,
      );
    }
  }
  return found;
}

const LOCKED = new Map<string, boolean>([
  ['', false], ['false', false], ['no', false], ['n', false], ['0', false],
  ['true', true], ['yes', true], ['y', true], ['1', true],
]);

/**
 * The records, blank lines included (a spreadsheet shows a blank line as an empty row), so record
 * i is spreadsheet row i + 1. Without csv-parse's per-record `info` (a third of the parse time at
 * 100,000 rows): the line in the file is worked out again only for a row that has an error.
 */
function readRecords(text: string, shown: string): string[][] {
  try {
    return parse(text, { bom: true, relax_column_count: true });
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      const reason = err.message.replace(/ (at|on) line \d+\.?$/, '').replace(/\.$/, '');
      throw exportError(`${shown}${line ? `:${line}` : ''}: not a readable CSV: ${reason}`, 'export the users CSV again from Outreach (Administration → Users, select, … → Export), or open it in a spreadsheet and save it as CSV');
    }
    throw err;
  }
}

/** "users.csv:4", plus the line of the file where the row's record ends when that differs (a quoted line break). */
function placeOf(text: string, shown: string, row: number): string {
  const parsed = parse(text, { bom: true, relax_column_count: true, info: true }) as unknown as Array<{ info: { lines: number } }>;
  const line = parsed[row - 1]?.info.lines;
  return `${shown}:${row}${line !== undefined && line !== row ? ` (line ${line} of the file)` : ''}`;
}

/** Parses the export's text. `shown` is the path as messages name it. */
export function parseExport(text: string, shown: string, columns: PluginExportColumns, crm: CrmIdRules): ParsedExport {
  const records = readRecords(text, shown);
  const header = records[0];
  if (header === undefined || header.every((value) => value.trim() === '')) {
    throw exportError(`${shown}: the file is empty (no header row)`, 'export the users CSV again from Outreach: Administration → Users, select the users, … → Export');
  }
  const at = findColumns(header, columns, shown);
  const cell = (record: string[], key: PluginExportColumnKey) => (at[key] === undefined ? undefined : (record[at[key]!] ?? '').trim());
  const headerOf = (key: PluginExportColumnKey) => JSON.stringify(header[at[key]!]!.trim());

  const rows: ExportRow[] = [];
  const seen = new Map<number, number>();
  for (let i = 1; i < records.length; i++) {
    const record = records[i]!;
    const row = i + 1;
    if (record.every((value) => value.trim() === '')) continue;
    // Built only for an error: most rows never need their place.
    let place: string | undefined;
    const where = () => (place ??= placeOf(text, shown, row));
    const rawId = cell(record, 'outreachUserId')!;
    const id = Number(rawId);
    if (!/^\d+$/.test(rawId) || !Number.isSafeInteger(id) || id < 1) {
      throw exportError(`${where()}: ${JSON.stringify(rawId)} in column ${headerOf('outreachUserId')} is not an Outreach user ID (a whole number >= 1)`,
        'fix that row, or export the users CSV again', { file: shown, row });
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) throw exportError(`${where()}: Outreach user ${id} is also on row ${earlier}: the export lists each user once`, 'export the users CSV again', { file: shown, row });
    seen.set(id, row);

    const rawCrm = cell(record, 'crmUserId')!;
    let crmUserId: CrmUserId | undefined;
    let repaired: ExportRow['repaired'];
    if (rawCrm !== '') {
      const checked = crm.check(rawCrm);
      if (checked.ok) crmUserId = checked.id;
      // Live data is repaired, not refused: a case-mangled 18-character ID is the user its checksum
      // names. But a repair is a reading, not a certainty (a digit 0 typed as a letter O is
      // "repaired" into a letter o: another user), so it is said, with the row and both forms.
      else if (checked.problem.suggestion !== undefined && checked.problem.code === 'crm-id-checksum') {
        crmUserId = checked.problem.suggestion;
        repaired = { message: repairMessage(`${where()}: column ${headerOf('crmUserId')}`, rawCrm, crmUserId, crm) };
      } else {
        throw exportError(`${where()}: column ${headerOf('crmUserId')}: ${checked.problem.message}`,
          checked.problem.hint ?? `the column should hold ${crm.idExample}, or be empty for a user the plugin does not map`, { file: shown, row });
      }
    }

    const rawLocked = cell(record, 'locked');
    const locked = rawLocked === undefined ? false : LOCKED.get(rawLocked.toLowerCase());
    if (locked === undefined) {
      throw exportError(`${where()}: ${JSON.stringify(rawLocked)} in column ${headerOf('locked')} is not true or false`, 'fix that row, or export the users CSV again', { file: shown, row });
    }
    // A line break typed into a name cell is still one name: names are shown on one line.
    const name = (cell(record, 'name') || [cell(record, 'firstName'), cell(record, 'lastName')].filter(Boolean).join(' ')).replace(/\s+/g, ' ');
    const email = cell(record, 'email');
    const user: OutreachUser = { id, name, locked, ...(email ? { email } : {}) };
    rows.push({ row, user, ...(crmUserId !== undefined ? { crmUserId } : {}), ...(repaired ? { repaired } : {}) });
  }
  return { rows };
}
