// A reader for mapping files in the shape `mapsync fmt` writes: full-line comments, one
// `mappings:` key, block entries of single-line scalars under known keys. It does in one pass over
// the text what the yaml package does with a full parse tree, and is many times faster: it builds
// no tree, only the plain values the schema check needs and the few positions load reports.
//
// It is deliberately narrow. Whatever it does not recognise with certainty (flow style, tags,
// anchors, multi-line or escaped scalars beyond the simplest, tabs, CR, unknown or duplicate
// keys, a value that could be null…) makes it answer `undefined`, and load.ts then takes the
// yaml path, so every message and position of a file with a problem stays exactly what the yaml
// path says. test/desired/canonicalReader.property.test.ts proves the two paths agree.

/** Where an entry and its two IDs start: 1-based line and column, as yaml's LineCounter gives them. */
export interface CanonicalSpots {
  entry: Position;
  crmUserId: Position;
  outreachUserId: Position;
}

export interface Position {
  line: number;
  column: number;
}

export interface CanonicalFile {
  /** The entries as plain values, exactly as toPlain.ts would give them for the schema check. */
  entries: Record<string, unknown>[];
  /** Per entry, the positions load reports; undefined members mean the key is absent. */
  spots: Partial<CanonicalSpots>[];
}

const KEYS = new Set(['crmUserId', 'outreachUserId', 'name', 'email', 'note']);
const DECIMAL = /^(0|[1-9][0-9]*)$/;
/** Plain scalars that YAML 1.2's core schema reads as null: never a valid value, so left to the yaml path. */
const NULL_WORDS = new Set(['null', 'Null', 'NULL', '~']);
/** Characters that may not start a plain scalar (YAML's indicators), or that this reader leaves to yaml. */
const NOT_PLAIN_FIRST = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', ' ']);

/** Reads `text` if it is in the canonical shape, else undefined (the caller takes the yaml path). */
export function readCanonical(text: string): CanonicalFile | undefined {
  if (!safeCharacters(text)) return undefined;
  const entries: Record<string, unknown>[] = [];
  const spots: Partial<CanonicalSpots>[] = [];
  let state: 'top' | 'list' | 'closed' = 'top';
  let dashIndent = -1;
  let entry: Record<string, unknown> | undefined;
  let spot: Partial<CanonicalSpots> | undefined;

  let lineNo = 0;
  let start = 0;
  const length = text.length;
  while (start < length) {
    lineNo++;
    let end = text.indexOf('\n', start);
    if (end < 0) end = length;
    let indent = start;
    while (indent < end && text.charCodeAt(indent) === 32) indent++;
    const first = indent < end ? text[indent] : undefined;
    if (first === undefined || first === '#') {
      // A blank line or a comment line: nothing YAML reads.
      start = end + 1;
      continue;
    }
    const column = indent - start;
    if (state === 'top') {
      if (column !== 0 || !text.startsWith('mappings:', indent)) return undefined;
      const rest = afterValue(text, indent + 9, end);
      if (rest === 'end') state = 'list';
      else if (text.startsWith('[]', rest) && afterValue(text, rest + 2, end) === 'end' && text[rest - 1] === ' ') state = 'closed';
      else return undefined;
    } else if (state === 'closed') {
      return undefined;
    } else if (first === '-') {
      if (dashIndent < 0) dashIndent = column;
      // "- " and the first key on the same line; the entry (a map) starts at that key.
      if (column !== dashIndent || text.charCodeAt(indent + 1) !== 32) return undefined;
      // An ordinary object is safe here (its keys can only be the five known ones) and much
      // smaller than a prototype-less one, which V8 keeps as a dictionary.
      entry = {};
      spot = { entry: { line: lineNo, column: column + 3 } };
      entries.push(entry);
      spots.push(spot);
      if (!readPair(text, indent + 2, end, lineNo, start, entry, spot)) return undefined;
    } else {
      if (entry === undefined || column !== dashIndent + 2) return undefined;
      if (!readPair(text, indent, end, lineNo, start, entry, spot!)) return undefined;
    }
    start = end + 1;
  }
  if (state === 'top') return undefined;
  if (state === 'list' && entries.length === 0) return undefined;
  return { entries, spots };
}

/**
 * Only text the reader can judge: no tab, CR, control or other line-breaking characters,
 * byte-order marks or non-characters anywhere (they are rare, and each has rules of its own in
 * YAML), so what is left is spaces, newlines and printable characters.
 */
function safeCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 10) return false;
    } else if (c >= 0x7f) {
      if (c <= 0x9f || c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0xfffe || c === 0xffff) return false;
      if (c >= 0xd800 && c <= 0xdfff) {
        // Only a well-formed surrogate pair (an emoji) is fine.
        const next = text.charCodeAt(i + 1);
        if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
        i++;
      }
    }
  }
  return true;
}

/** `key: value` at `at`; fills the entry and its spots. False when the line is not certain. */
function readPair(text: string, at: number, end: number, lineNo: number, lineStart: number, entry: Record<string, unknown>, spot: Partial<CanonicalSpots>): boolean {
  const colon = text.indexOf(':', at);
  if (colon < 0 || colon >= end) return false;
  const key = text.slice(at, colon);
  if (!KEYS.has(key) || entry[key] !== undefined) return false;
  // At least one space after the colon, then the value on the same line.
  if (text.charCodeAt(colon + 1) !== 32) return false;
  let v = colon + 1;
  while (v < end && text.charCodeAt(v) === 32) v++;
  if (v >= end || text[v] === '#') return false;
  const scalar = readScalar(text, v, end);
  if (scalar === undefined) return false;
  const where = { line: lineNo, column: v - lineStart + 1 };
  if (key === 'outreachUserId') {
    // Only plain decimal digits are a number here; anything else is the yaml path's to word.
    if (!scalar.plain || !DECIMAL.test(scalar.value)) return false;
    const id = Number(scalar.value);
    if (!Number.isSafeInteger(id) || id < 1) return false;
    entry[key] = id;
    spot.outreachUserId = where;
    return true;
  }
  if (scalar.plain && NULL_WORDS.has(scalar.value)) return false;
  entry[key] = scalar.value;
  if (key === 'crmUserId') spot.crmUserId = where;
  return true;
}

interface ReadScalar {
  value: string;
  plain: boolean;
}

/** One single-line scalar starting at `at`, and nothing after it but spaces and a comment. */
function readScalar(text: string, at: number, end: number): ReadScalar | undefined {
  const quote = text[at];
  if (quote === "'") {
    let value = '';
    let i = at + 1;
    for (;;) {
      const close = text.indexOf("'", i);
      if (close < 0 || close >= end) return undefined;
      value += text.slice(i, close);
      if (text[close + 1] === "'") {
        value += "'";
        i = close + 2;
        continue;
      }
      return afterValue(text, close + 1, end) === 'end' ? { value, plain: false } : undefined;
    }
  }
  if (quote === '"') {
    let value = '';
    let i = at + 1;
    for (;;) {
      const close = text.indexOf('"', i);
      if (close < 0 || close >= end) return undefined;
      const piece = text.slice(i, close);
      const slash = piece.indexOf('\\');
      if (slash >= 0) {
        // The escapes fmt writes most (\\, \", \t); any other is left to yaml.
        const escaped = text[i + slash + 1];
        const meaning = escaped === '\\' ? '\\' : escaped === '"' ? '"' : escaped === 't' ? '\t' : undefined;
        if (meaning === undefined || i + slash + 1 >= end) return undefined;
        value += piece.slice(0, slash) + meaning;
        i = i + slash + 2;
        continue;
      }
      value += piece;
      return afterValue(text, close + 1, end) === 'end' ? { value, plain: false } : undefined;
    }
  }
  // "-", "?" and ":" may start a plain scalar when a non-space follows (YAML's ns-plain-first).
  const next = text.charCodeAt(at + 1);
  const indicatorThenText = (quote === '-' || quote === '?' || quote === ':') && at + 1 < end && next !== 32;
  if (NOT_PLAIN_FIRST.has(quote!) && !indicatorThenText) return undefined;
  // A plain scalar ends at " #" (a comment) or at the end of the line; ": " inside it, or a
  // colon at its end, would make it a key.
  // (Searched within the line only: indexOf over the rest of the file would make a file quadratic.)
  let stop = end;
  for (let i = at + 1; i < end; i++) {
    if (text.charCodeAt(i) === 35 && text.charCodeAt(i - 1) === 32) {
      stop = i - 1;
      break;
    }
  }
  let last = stop;
  while (last > at && text.charCodeAt(last - 1) === 32) last--;
  const value = text.slice(at, last);
  if (value.includes(': ') || value.endsWith(':')) return undefined;
  return { value, plain: true };
}

/** 'end' when only spaces, or spaces and a comment, follow `at` on the line; else where the rest starts. */
function afterValue(text: string, at: number, end: number): 'end' | number {
  let i = at;
  while (i < end && text.charCodeAt(i) === 32) i++;
  if (i === end) return 'end';
  if (text[i] === '#' && i > at) return 'end';
  return i;
}
