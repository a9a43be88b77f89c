// Turns a parsed YAML document into plain data for the schema check, WITHOUT letting YAML's
// typing touch an ID: crmUserId is always the scalar's source text (leading zeros, digits only,
// exponent-looking 005e12…), and outreachUserId is a number only when written as plain digits.
import { isAlias, isMap, isScalar, isSeq, type Alias, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';

/** Alias uses per file, and nodes an alias may expand to in total: far above honest use, far below a "billion laughs". */
export const MAX_ALIAS_USES = 100;
export const MAX_ALIAS_EXPANSION = 10_000;

export interface ConvertProblem {
  offset: number;
  message: string;
  hint?: string;
  /** JSON pointer of the value whose schema errors should not be reported again. */
  suppress?: string;
}

/** Nesting deeper than this is no mapping file (entries are two levels deep); refusing it keeps recursion bounded. */
export const MAX_DEPTH = 64;

/** The file is refused as a whole (alias abuse, absurd nesting). */
export class FileRefused extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const ID_KEYS = new Set(['crmUserId', 'outreachUserId']);
const TEXT_KEYS = new Set(['name', 'email', 'note']);
const DECIMAL = /^(0|[1-9][0-9]*)$/;

interface State {
  anchors: Map<string, Node>;
  aliasUses: number;
  expanded: number;
  /** > 0 while converting the target of an alias: anchors seen there are re-visits, not definitions. */
  inAlias: number;
  active: Set<Node>;
  /** Offset of the outermost alias being expanded. */
  outerAlias: number;
  problems: ConvertProblem[];
}

export function toPlain(doc: Document.Parsed): { value: unknown; problems: ConvertProblem[] } {
  const state: State = { anchors: new Map(), aliasUses: 0, expanded: 0, inAlias: 0, active: new Set(), outerAlias: 0, problems: [] };
  const root = doc.contents;
  if (isMap(root)) {
    const out = emptyObject();
    for (const pair of root.items) {
      const key = keyString(pair, state);
      if (key === 'mappings' && isAlias(pair.value)) {
        state.problems.push({
          offset: pair.value.range?.[0] ?? 0,
          message: `the mappings list is an alias (*${pair.value.source}); write the entries under mappings:`,
          suppress: '/mappings',
        });
        out[key] = [];
      } else if (key === 'mappings' && isSeq(pair.value)) {
        noteAnchor(pair.value, state);
        out[key] = pair.value.items.map((item, index) => convertEntry(item as Node, `/mappings/${index}`, state));
      } else {
        out[key] = convert(pair.value as Node | null, state);
      }
    }
    return { value: out, problems: state.problems };
  }
  return { value: convert(root, state), problems: state.problems };
}

/** One element of the mappings list: the place where ID scalars get their special treatment. */
function convertEntry(node: Node, pointer: string, state: State): unknown {
  if (isAlias(node)) {
    // Expanding it would bypass the ID rules below (and it could only ever be a duplicate).
    state.problems.push({
      offset: node.range?.[0] ?? 0,
      message: `entry is an alias (*${node.source}); write the entry out`,
      hint: 'each entry maps one user; a copy of another entry would be a duplicate',
      suppress: pointer,
    });
    return null;
  }
  if (!isMap(node)) return convert(node, state);
  noteAnchor(node, state);
  const out = emptyObject();
  for (const pair of (node as YAMLMap<unknown, unknown>).items) {
    const key = keyString(pair, state);
    const value = pair.value as Node | null;
    if (ID_KEYS.has(key)) {
      if (isAlias(value)) {
        state.problems.push({
          offset: value.range![0],
          message: `${key} is an alias (*${value.source}); write the ID itself`,
          hint: 'aliases are refused for IDs so that every ID is visible where it is used',
          suppress: `${pointer}/${key}`,
        });
        out[key] = null;
        continue;
      }
      out[key] = key === 'crmUserId' ? crmIdValue(value) : outreachIdValue(value, state);
      if (value) noteAnchor(value, state);
    } else if (TEXT_KEYS.has(key) && isScalar(value) && value.value !== null && typeof value.value !== 'string') {
      // `name: 1984` or `note: yes` is text, as written, not a number or a boolean.
      noteAnchor(value, state);
      out[key] = value.source ?? String(value.value);
    } else {
      out[key] = convert(value, state);
    }
  }
  return out;
}

function crmIdValue(node: Node | null): unknown {
  if (isScalar(node)) {
    // An empty value (`crmUserId:`) or `null` is reported as missing text, not as the ID "null".
    if (node.value === null && node.type === 'PLAIN') return null;
    return node.source ?? String(node.value);
  }
  return node === null ? null : convertLoose(node);
}

function outreachIdValue(node: Node | null, state: State): unknown {
  if (isScalar(node) && typeof node.value === 'number') {
    const source = node.source ?? '';
    // 42.0, 4.2e1, 0x2A, 052 are refused: an id is written as plain decimal digits.
    if (node.type === 'PLAIN' && DECIMAL.test(source) && Number.isSafeInteger(node.value)) return node.value;
    return source;
  }
  return convert(node, state);
}

/** Non-scalar ID values only need a shape for the type error, never expansion. */
function convertLoose(node: Node): unknown {
  if (isMap(node)) return emptyObject();
  if (isSeq(node)) return [];
  return null;
}

function convert(node: Node | null | undefined, state: State, depth = 0): unknown {
  if (node === null || node === undefined) return null;
  if (depth > MAX_DEPTH) throw new FileRefused(`values nested more than ${MAX_DEPTH} levels deep; a mapping file is never that deep`, node.range?.[0] ?? 0);
  if (isAlias(node)) return expandAlias(node, state);
  noteAnchor(node, state);
  if (isScalar(node)) return (node as Scalar).value;
  if (isMap(node)) {
    const out = emptyObject();
    for (const pair of node.items) out[keyString(pair as Pair<unknown, unknown>, state)] = convert(pair.value as Node | null, state, depth + 1);
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => convert(item as Node, state, depth + 1));
  return null;
}

function expandAlias(alias: Alias, state: State): unknown {
  // Problems found deep inside an expansion are reported at the alias written in the file's own
  // structure (the outermost one), which is the one the user can act on.
  const offset = state.inAlias === 0 ? (alias.range?.[0] ?? 0) : state.outerAlias;
  if (state.inAlias === 0) state.outerAlias = offset;
  state.aliasUses += 1;
  if (state.aliasUses > MAX_ALIAS_USES) {
    throw new FileRefused(`more than ${MAX_ALIAS_USES} aliases in one file; refusing to expand them`, offset);
  }
  const target = state.anchors.get(alias.source);
  if (target === undefined) throw new FileRefused(`alias *${alias.source} refers to no anchor defined before it`, offset);
  if (state.active.has(target)) throw new FileRefused(`alias *${alias.source} refers to itself`, offset);
  state.expanded += countNodes(target, state);
  if (state.expanded > MAX_ALIAS_EXPANSION) {
    throw new FileRefused(`aliases expand to more than ${MAX_ALIAS_EXPANSION} values (an alias bomb?); refusing the file`, offset);
  }
  state.active.add(target);
  state.inAlias += 1;
  try {
    return convert(target, state);
  } finally {
    state.inAlias -= 1;
    state.active.delete(target);
  }
}

/** Size of a subtree as written (aliases count one), stopping early once over budget. */
function countNodes(node: Node, state: State): number {
  let count = 0;
  const stack: unknown[] = [node];
  while (stack.length > 0 && count <= MAX_ALIAS_EXPANSION) {
    const current = stack.pop();
    count += 1;
    if (isAlias(current)) {
      // A nested alias costs what its own target costs (this is what makes bombs explode).
      const target = state.anchors.get(current.source);
      if (target !== undefined && target !== node && !state.active.has(target)) stack.push(target);
    } else if (isMap(current)) {
      for (const pair of current.items) stack.push(pair.value);
    } else if (isSeq(current)) {
      for (const item of current.items) stack.push(item);
    }
  }
  return count;
}

function noteAnchor(node: Node, state: State): void {
  if (state.inAlias === 0 && node.anchor) state.anchors.set(node.anchor, node);
}

function keyString(pair: Pair<unknown, unknown>, state: State): string {
  const key = pair.key as Node | null;
  if (isScalar(key)) {
    noteAnchor(key, state);
    return key.source ?? String(key.value);
  }
  if (key === null) return '';
  // Complex keys (`? [a, b]`) can never be a valid key; give the schema a name it will refuse.
  return JSON.stringify(convert(key, state));
}

function emptyObject(): Record<string, unknown> {
  // No prototype: a key named __proto__ is data, not a way to change the object.
  return Object.create(null) as Record<string, unknown>;
}
