// Turns suggestions into edits of the mapping files, the way a careful admin makes them: a replace
// changes the entry where it stands (its comments and the other entries untouched) and its note
// says what changed, why and when; a remove deletes the entry; adds go to suggest.addTo. It uses
// the loader's YAML parse (parseYaml) and fmt's canonical form (formatMappingFile), so a file that
// was fmt-clean stays fmt-clean. Pure: texts in, texts out; nothing is written here. Every result
// is validated before it is returned, so a change that would fail `validate` never reaches disk.
import { isMap, isScalar, isSeq, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { checkFileText } from '../desired/load.js';
import { formatMappingFile } from '../desired/format.js';
import { parseYaml } from '../desired/parseYaml.js';
import { startOf } from '../desired/nodeAt.js';
import type { CrmIdRules } from '../crm/index.js';
import { schemaValidator } from '../desired/schema.js';
import { MapsyncError } from '../errors.js';
import type { CrmUserId, DesiredMapping, OutreachUserId } from '../model.js';
import type { Suggestion } from './model.js';
import { normalizeEmail } from './rules.js';

export interface FileEdit {
  file: string;
  /** undefined when the file is created. */
  before: string | undefined;
  after: string;
}

export interface EditOutcome {
  edits: FileEdit[];
  /** The suggestions the edits make (at most `max`, earliest passes first). */
  made: Suggestion[];
  /** How many more there were beyond the cap. */
  deferred: number;
  /** Files that were not fmt-clean before: edited, but not reformatted (fmt would touch other entries). */
  unformatted: string[];
}

export interface EditInput {
  suggestions: readonly Suggestion[];
  /** Current text of every file a suggestion names (the addTo file only when it exists). */
  texts: ReadonlyMap<string, string>;
  /** Every mapping of mappings/ today, for the cross-file uniqueness check of the result. */
  desired: readonly DesiredMapping[];
  addTo: string;
  /** YYYY-MM-DD, written into notes. */
  date: string;
  max: number;
  /** The configured CRM's ID rules (entries are matched and checked on canonical IDs). */
  crm: CrmIdRules;
}

const TO_STRING = { indent: 2, indentSeq: true, lineWidth: 0 } as const;
const EMPTY_FILE = 'mappings: []\n';

export function editMappingFiles(input: EditInput): EditOutcome {
  // A prefix in pass order is always consistent: a later pass only builds on earlier ones.
  const made = input.suggestions.slice(0, input.max);
  const byFile = new Map<string, Suggestion[]>();
  for (const s of made) {
    const file = s.action === 'add' ? input.addTo : s.file!;
    const list = byFile.get(file);
    if (list) list.push(s);
    else byFile.set(file, [s]);
  }

  const edits: FileEdit[] = [];
  const unformatted: string[] = [];
  for (const [file, suggestions] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const before = input.texts.get(file);
    if (before === undefined && suggestions.some((s) => s.action !== 'add')) throw internal(`${file} was not read`);
    const wasClean = before === undefined || isFmtClean(file, before, input.crm);
    const parsed = parseYaml(before ?? EMPTY_FILE);
    if (!parsed.ok) throw internal(`${file} no longer parses`);
    const { doc, lineCounter } = parsed;
    const list = mappingsSeq(doc, file);
    const entries = new Map<number, YAMLMap>();
    for (const item of list.items as Node[]) if (isMap(item)) entries.set(lineCounter.linePos(startOf(item)).line, item);

    for (const s of suggestions) {
      if (s.action === 'add') {
        list.items.push(newEntry(doc, s, input.date));
        list.flow = false;
        continue;
      }
      const entry = entries.get(s.line!);
      const expected = s.previousCrmUserId ?? s.crmUserId;
      if (!entry || entryCrmId(entry, input.crm) !== expected) throw internal(`${file}:${s.line} is not the entry of CRM user ${expected}`);
      if (s.action === 'remove') removeEntry(list, entry);
      else replaceEntry(doc, entry, s, input.date);
    }

    let after = doc.toString(TO_STRING);
    if (wasClean) after = formatMappingFile(file, after, input.crm);
    else unformatted.push(file);
    edits.push({ file, before, after });
  }
  verify(edits, made, input);
  return { edits, made, deferred: input.suggestions.length - made.length, unformatted };
}

function isFmtClean(file: string, text: string, crm: CrmIdRules): boolean {
  try {
    return formatMappingFile(file, text, crm) === text;
  } catch {
    return false;
  }
}

function internal(what: string): MapsyncError {
  return new MapsyncError(`suggest could not make its edits: ${what}; nothing was written`, {
    hint: 'the mapping files changed while suggest ran? run suggest again; if it persists, please report it as a bug',
  });
}

function mappingsSeq(doc: Document.Parsed, file: string): YAMLSeq {
  const root = doc.contents;
  const pair = isMap(root) ? root.items.find((p) => isScalar(p.key) && p.key.source === 'mappings') : undefined;
  if (!pair || !isSeq(pair.value)) throw internal(`${file} has no mappings list`);
  return pair.value;
}

function pairOf(entry: YAMLMap, key: string): Pair | undefined {
  return (entry.items as Pair[]).find((p) => isScalar(p.key) && (p.key.source ?? String(p.key.value)) === key);
}

function entryCrmId(entry: YAMLMap, crm: CrmIdRules): string | undefined {
  const value = pairOf(entry, 'crmUserId')?.value;
  if (!isScalar(value)) return undefined;
  const text = value.source ?? String(value.value);
  const id = crm.check(text);
  return id.ok ? id.id : undefined;
}

/** Sets a text value in place, so the key's and the value's comments stay where they are. */
function setText(doc: Document, entry: YAMLMap, key: string, text: string): void {
  const pair = pairOf(entry, key);
  if (pair && isScalar(pair.value)) {
    const scalar = pair.value as Scalar;
    scalar.value = text;
    scalar.source = text; // fmt writes an ID from its source text: it must be the new one
    scalar.tag = undefined;
    return;
  }
  if (pair) pair.value = doc.createNode(text);
  else entry.items.push(doc.createPair(key, text) as never);
}

function deleteKey(entry: YAMLMap, key: string): void {
  const pair = pairOf(entry, key);
  if (pair) entry.items.splice(entry.items.indexOf(pair as never), 1);
}

function removeEntry(list: YAMLSeq, entry: YAMLMap): void {
  const index = list.items.indexOf(entry as never);
  const next = list.items[index + 1] as Node | undefined;
  // A comment above the first entry is often the file's own heading: it stays with the list.
  if (index === 0 && entry.commentBefore) {
    if (next) next.commentBefore = next.commentBefore ? `${entry.commentBefore}\n${next.commentBefore}` : entry.commentBefore;
    else list.commentBefore = entry.commentBefore;
  }
  list.items.splice(index, 1);
  if (list.items.length === 0) list.flow = true; // YAML writes an empty list as []
}

/** The email to write, when the schema accepts it (`format: email`); otherwise none. */
function writableEmail(email: string | undefined): string | undefined {
  const trimmed = (email ?? '').trim();
  if (trimmed === '') return undefined;
  const ok = schemaValidator()({ mappings: [{ crmUserId: '005000000000000', outreachUserId: 1, email: trimmed }] });
  return ok ? trimmed : undefined;
}

const q = (name: string) => (name ? ` "${name}"` : '');

export function noteFor(s: Suggestion, date: string): string {
  const email = normalizeEmail(s.outreachUser.email);
  switch (s.reason) {
    case 'crm-user-replaced':
      return `${date} mapsync suggest (crm-user-replaced): was ${s.previousCrmUserId}${q(s.previousCrmUser?.name ?? '')}, inactive in the CRM; ${s.crmUserId} is the one active CRM user with the seat's email ${email}`;
    case 'seat-repurposed':
      return `${date} mapsync suggest (seat-repurposed): was ${s.previousCrmUserId}${q(s.previousCrmUser?.name ?? '')}, but the seat is${q(s.outreachUser.name)} now; ${s.crmUserId} is the one active CRM user with its email ${email}`;
    case 'new-seat':
      return `${date} mapsync suggest (new-seat): Outreach user ${s.outreachUserId} and CRM user ${s.crmUserId} have the same email ${email}`;
    case 'user-gone':
      return `${date} mapsync suggest (user-gone): Outreach seat locked and CRM user inactive`;
  }
}

function replaceEntry(doc: Document, entry: YAMLMap, s: Suggestion, date: string): void {
  const oldNote = pairOf(entry, 'note')?.value;
  const earlier = isScalar(oldNote) && typeof oldNote.value === 'string' && oldNote.value.trim() !== '' ? oldNote.value.trim() : undefined;
  setText(doc, entry, 'crmUserId', s.crmUserId);
  if (s.crmUser.name) setText(doc, entry, 'name', s.crmUser.name);
  else deleteKey(entry, 'name');
  if (pairOf(entry, 'email')) {
    // A stale email would be wrong; the new user's, when the schema accepts it, or none.
    const email = writableEmail(s.crmUser.email);
    if (email) setText(doc, entry, 'email', email);
    else deleteKey(entry, 'email');
  }
  const note = noteFor(s, date);
  setText(doc, entry, 'note', earlier ? `${note} (earlier note: ${earlier})` : note);
}

function newEntry(doc: Document.Parsed, s: Suggestion, date: string): Node {
  const email = writableEmail(s.crmUser.email);
  return doc.createNode({
    crmUserId: s.crmUserId,
    outreachUserId: s.outreachUserId,
    ...(s.crmUser.name ? { name: s.crmUser.name } : {}),
    ...(email ? { email } : {}),
    note: noteFor(s, date),
  });
}

/** Every edited file validates and holds exactly the expected pairs; across files, IDs stay unique. */
function verify(edits: readonly FileEdit[], made: readonly Suggestion[], input: EditInput): void {
  const changedFiles = new Set(edits.map((e) => e.file));
  const expected = new Map<string, Set<string>>();
  const key = (crm: CrmUserId, outreach: OutreachUserId) => `${crm} ${outreach}`;
  for (const m of input.desired) {
    if (!changedFiles.has(m.location.file)) continue;
    let set = expected.get(m.location.file);
    if (!set) expected.set(m.location.file, (set = new Set()));
    set.add(key(m.crmUserId, m.outreachUserId));
  }
  for (const s of made) {
    const file = s.action === 'add' ? input.addTo : s.file!;
    let set = expected.get(file);
    if (!set) expected.set(file, (set = new Set()));
    if (s.action === 'add') set.add(key(s.crmUserId, s.outreachUserId));
    if (s.action === 'remove') set.delete(key(s.crmUserId, s.outreachUserId));
    if (s.action === 'replace') {
      set.delete(key(s.previousCrmUserId!, s.outreachUserId));
      set.add(key(s.crmUserId, s.outreachUserId));
    }
  }
  const crm = new Set<CrmUserId>();
  const outreach = new Set<OutreachUserId>();
  const claim = (c: CrmUserId, o: OutreachUserId, where: string) => {
    if (crm.has(c) || outreach.has(o)) throw internal(`the result would map CRM user ${c} or Outreach user ${o} twice (${where})`);
    crm.add(c);
    outreach.add(o);
  };
  for (const m of input.desired) if (!changedFiles.has(m.location.file)) claim(m.crmUserId, m.outreachUserId, m.location.file);
  for (const edit of edits) {
    const checked = checkFileText(edit.file, edit.after, input.crm);
    const first = checked.errors[0];
    if (first) throw internal(`${edit.file}:${first.line}:${first.column} would not validate (${first.code}: ${first.message})`);
    const got = new Set(checked.mappings.map((m) => key(m.crmUserId, m.outreachUserId)));
    const want = expected.get(edit.file) ?? new Set();
    if (got.size !== want.size || [...want].some((k) => !got.has(k))) throw internal(`${edit.file} would not hold the expected mappings`);
    for (const m of checked.mappings) claim(m.crmUserId, m.outreachUserId, edit.file);
  }
}
