// The properties every validation result must have, whatever the input: shared by the
// in-process fuzz run (loadDesired from dist/) and the CLI fuzz run (validate --format json).
import { parseAllDocuments } from 'yaml';
import { checksumSuffix } from '../../dist/crm/salesforceId.js';
import type { GeneratedFile } from './mappingFiles.js';

export const KNOWN_CODES = new Set([
  'yaml-syntax',
  'yaml-duplicate-key',
  'file-invalid',
  'schema',
  'crm-id-format',
  'crm-id-prefix',
  'crm-id-checksum',
  'duplicate-crm-id',
  'duplicate-outreach-id',
]);

export interface ReportedError {
  file: unknown;
  line: unknown;
  column: unknown;
  code: unknown;
  message: unknown;
}

/** Every error names a generated file, a 1-based line and column, a known code and a message. */
export function errorProblems(errors: ReportedError[], files: GeneratedFile[]): string[] {
  const paths = new Set(files.map((f) => f.path));
  const problems: string[] = [];
  for (const e of errors) {
    const where = JSON.stringify(e);
    if (typeof e.file !== 'string' || !paths.has(e.file)) problems.push(`unknown file in ${where}`);
    if (!Number.isInteger(e.line) || (e.line as number) < 1) problems.push(`bad line in ${where}`);
    if (!Number.isInteger(e.column) || (e.column as number) < 1) problems.push(`bad column in ${where}`);
    if (typeof e.code !== 'string' || !KNOWN_CODES.has(e.code)) problems.push(`unknown code in ${where}`);
    if (typeof e.message !== 'string' || e.message.trim() === '') problems.push(`empty message in ${where}`);
    // A line past the end of the file cannot be shown to anyone.
    const file = files.find((f) => f.path === e.file);
    if (file && Number.isInteger(e.line) && (e.line as number) > file.bytes.toString('utf8').split('\n').length) problems.push(`line past the end in ${where}`);
  }
  return problems;
}

/**
 * For a file that validated: what an independent reading says its entries are. The YAML
 * failsafe schema reads every scalar as the string it is written as, so YAML typing cannot
 * touch an ID here either.
 */
export function writtenEntries(file: GeneratedFile): { crmUserId: string; outreachUserId: string }[] {
  const docs = parseAllDocuments(file.bytes.toString('utf8').replace(/^\uFEFF/, ''), { schema: 'failsafe', version: '1.2' });
  const value = (Array.isArray(docs) ? docs[0]?.toJS({ maxAliasCount: 100 }) : undefined) as { mappings?: { crmUserId: string; outreachUserId: string }[] } | undefined;
  return value?.mappings ?? [];
}

/** The canonical form of an ID exactly as written (15 → 18 characters; the suffix case never matters). */
export function canonicalOfWritten(written: string): string {
  const id15 = written.slice(0, 15);
  return id15 + checksumSuffix(id15);
}

export interface LoadedMapping {
  crmUserId: string;
  outreachUserId: number;
  location: { file: string };
}

/** For a valid project: every mapping is canonical and is exactly what the file says. */
export function stateProblems(mappings: LoadedMapping[], files: GeneratedFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const loaded = mappings.filter((m) => m.location.file === file.path);
    const written = writtenEntries(file);
    if (loaded.length !== written.length) {
      problems.push(`${file.path}: loaded ${loaded.length} mappings, the file holds ${written.length}`);
      continue;
    }
    loaded.forEach((m, i) => {
      const w = written[i]!;
      if (!/^[A-Za-z0-9]{18}$/.test(m.crmUserId) || !m.crmUserId.startsWith('005')) problems.push(`${file.path}: ${m.crmUserId} is not canonical`);
      if (typeof w.crmUserId !== 'string' || canonicalOfWritten(w.crmUserId) !== m.crmUserId) problems.push(`${file.path}: ${JSON.stringify(w.crmUserId)} was loaded as ${m.crmUserId}`);
      if (typeof w.crmUserId === 'string' && w.crmUserId.length === 18 && w.crmUserId.slice(0, 15) !== m.crmUserId.slice(0, 15)) problems.push(`${file.path}: ${w.crmUserId} changed case to ${m.crmUserId}`);
      if (String(m.outreachUserId) !== w.outreachUserId) problems.push(`${file.path}: outreachUserId ${JSON.stringify(w.outreachUserId)} was loaded as ${m.outreachUserId}`);
    });
  }
  return problems;
}
