// Canonical form of a mapping file, used by `mapsync fmt`.
//   - entries sorted by name (case-insensitive; entries without a name last), then by canonical crmUserId;
//   - keys in the order crmUserId, outreachUserId, name, email, note;
//   - block style, two-space indent, "- " items indented under mappings:, no blank lines between
//     entries, no line folding, no document markers (%YAML, ---, ...);
//   - comments kept (they travel with their entry or key), the editor modeline added when missing;
//   - an empty block scalar (`| # c` with no lines) written as "" (yaml would misplace its comment);
//   - an ID is never rewritten: crmUserId keeps its exact text, at most gaining quotes where YAML
//     would otherwise read it as a number.
import { dirname, relative } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, Scalar, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { MapsyncError } from '../errors.js';
import { checkFileText } from './load.js';
import { DEFAULT_CRM_RULES, type CrmIdRules } from '../crm/index.js';
import type { DesiredMapping } from '../model.js';

export const KEY_ORDER = ['crmUserId', 'outreachUserId', 'name', 'email', 'note'] as const;
export const SCHEMA_PATH = 'schema/user-mappings.schema.json';
const MODELINE_MARK = 'yaml-language-server:';
const MODELINE = /^\s*#\s*yaml-language-server:/m;

/**
 * `file` is relative to the working directory (it decides the modeline's relative schema path);
 * `crm` holds the configured CRM's ID rules (entries sort by canonical ID).
 */
export function formatMappingFile(file: string, text: string, crm: CrmIdRules = DEFAULT_CRM_RULES): string {
  const doc = parseDocument(text, { version: '1.2', uniqueKeys: true });
  const root = doc.contents;
  if (isMap(root)) {
    root.flow = false;
    for (const pair of root.items) if (isScalar(pair.key)) keepSourceText(pair.key);
    const list = root.items.find((p) => keyOf(p) === 'mappings')?.value;
    if (isSeq(list)) {
      // Block style, except an empty list, which YAML can only write as [].
      list.flow = list.items.length === 0;
      const entries = list.items as Node[];
      // A comment above the first entry belongs to that entry, so it must move with it.
      const first = entries[0];
      if (list.commentBefore && first && !first.commentBefore) {
        first.commentBefore = list.commentBefore;
        list.commentBefore = undefined;
      }
      for (const entry of entries) if (isMap(entry)) canonicaliseEntry(entry);
      const keyed = entries.map((node) => ({ node, sortKey: sortKeyOf(node, crm) }));
      keyed.sort((a, b) => compareSortKeys(a.sortKey, b.sortKey));
      list.items = keyed.map((k) => k.node) as typeof list.items;
      for (const node of list.items as Node[]) node.spaceBefore = false;
    }
  }
  // One document per file, so its markers (%YAML, ---, ...) carry nothing: drop them.
  if (doc.directives) {
    doc.directives.docStart = null;
    doc.directives.docEnd = false;
    doc.directives.yaml.explicit = false;
  }
  if (!MODELINE.test(text)) {
    const modeline = ` ${MODELINE_MARK} $schema=${relative(dirname(file), SCHEMA_PATH).split('\\').join('/')}`;
    doc.commentBefore = doc.commentBefore ? `${modeline}\n${doc.commentBefore}` : modeline;
  }
  flattenCommentLineSeparators(doc);
  quoteEmptyBlockScalars(doc);
  let formatted: string;
  try {
    formatted = doc.toString({ indent: 2, indentSeq: true, lineWidth: 0 });
  } catch (err) {
    // yaml refuses to write an alias that now comes before its anchor.
    throw new MapsyncError(`${file}: formatting would produce an invalid file (${(err as Error).message}); left unchanged`, {
      hint: 'this happens when sorting moves an alias before its anchor; write the aliased value out',
    });
  }
  assertSameMeaning(file, text, formatted, crm);
  return formatted;
}

/**
 * A lone CR, U+2028 and U+2029 stay inside a comment when yaml parses it, but JavaScript's
 * multiline regexes (which the yaml stringifier uses to put '#' and indentation in front of each
 * comment line) take them for line breaks: every run of fmt would add another '#' after one, so
 * fmt would never settle. In comments (no meaning) they become plain spaces.
 */
const LINE_SEPARATORS = /[\r\u2028\u2029]/g;

function flattenCommentLineSeparators(doc: Document): void {
  const flatten = <T extends string | null | undefined>(text: T): T => (text ? (text.replace(LINE_SEPARATORS, ' ') as T) : text);
  doc.commentBefore = flatten(doc.commentBefore);
  doc.comment = flatten(doc.comment);
  visit(doc, {
    Node: (_key, node) => {
      node.commentBefore = flatten(node.commentBefore);
      node.comment = flatten(node.comment);
    },
  });
}

/**
 * An empty block scalar (`note: | # c` with no lines under it) is the empty string, but yaml
 * writes it as a bare `|` and puts its comment on the next line, indented, where it is read back as
 * the scalar's text ("# c\n"): fmt would change the value. Written `""` it keeps both.
 */
function quoteEmptyBlockScalars(doc: Document): void {
  visit(doc, {
    Scalar: (_key, node) => {
      if (node.value === '' && (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
}

function canonicaliseEntry(entry: YAMLMap): void {
  entry.flow = false;
  const pairs = entry.items as Pair[];
  for (const pair of pairs) {
    // Keys are read as their text too (`!!int name:` is the key "name").
    if (isScalar(pair.key)) keepSourceText(pair.key);
    const key = keyOf(pair);
    const value = pair.value;
    if (!isScalar(value)) continue;
    if (key === 'crmUserId' || ((key === 'name' || key === 'email' || key === 'note') && typeof value.value !== 'string')) {
      // Written text, exactly; the stringifier quotes it if it would otherwise read as a number.
      keepSourceText(value);
    }
  }
  const rank = (pair: Pair) => {
    const index = (KEY_ORDER as readonly string[]).indexOf(keyOf(pair));
    return index < 0 ? KEY_ORDER.length : index;
  };
  entry.items = [...pairs].sort((a, b) => rank(a) - rank(b));
}

function keepSourceText(scalar: Scalar): void {
  if (scalar.source !== undefined) scalar.value = scalar.source;
  // mapsync reads these as their text whatever the tag says; a kept `!!int` would make the
  // stringifier write the text as a number (`!!int 0050e9000000000` → `.inf`).
  scalar.tag = undefined;
}

interface SortKey {
  hasName: boolean;
  folded: string;
  name: string;
  crm: string;
}

function sortKeyOf(node: Node, rules: CrmIdRules): SortKey {
  const pairs = isMap(node) ? (node.items as Pair[]) : [];
  const text = (key: string): string | undefined => {
    const value = pairs.find((p) => keyOf(p) === key)?.value;
    return isScalar(value) ? (value.source ?? String(value.value)) : undefined;
  };
  const name = text('name');
  const crm = text('crmUserId') ?? '';
  const id = rules.check(crm);
  return { hasName: name !== undefined, folded: (name ?? '').toLowerCase(), name: name ?? '', crm: id.ok ? id.id : crm };
}

function compareSortKeys(a: SortKey, b: SortKey): number {
  if (a.hasName !== b.hasName) return a.hasName ? -1 : 1;
  return compare(a.folded, b.folded) || compare(a.name, b.name) || compare(a.crm, b.crm);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function keyOf(pair: Pair): string {
  const key = pair.key as Node | null;
  return isScalar(key) ? (key.source ?? String(key.value)) : '';
}

/** Safety net: the formatted file must hold exactly the same mappings as the original. */
function assertSameMeaning(file: string, before: string, after: string, crm: CrmIdRules): void {
  const original = checkFileText(file, before, crm);
  const formatted = checkFileText(file, after, crm);
  const first = formatted.errors[0];
  if (first) {
    throw new MapsyncError(`${file}: formatting would produce an invalid file (${first.line}:${first.column} ${first.code}: ${first.message}); left unchanged`, {
      hint: 'this happens when sorting moves an alias before its anchor; write the aliased value out',
    });
  }
  if (fingerprint(original.mappings) !== fingerprint(formatted.mappings)) {
    throw new MapsyncError(`${file}: formatting would change what the file means; left unchanged`, {
      hint: 'please report this as a bug, with the file',
    });
  }
}

function fingerprint(mappings: DesiredMapping[]): string {
  return mappings
    .map((m) => JSON.stringify([m.crmUserId, m.outreachUserId, m.name ?? null, m.email ?? null, m.note ?? null]))
    .sort()
    .join('\n');
}
