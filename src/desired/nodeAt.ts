// Finds the YAML node a JSON pointer (from ajv) names, so every schema error gets file:line:col.
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { unescapePointer } from './schema.js';

/**
 * The node at `pointer`, or the deepest node on the way there (an error on a value that the
 * pointer cannot reach, e.g. through an alias, still points somewhere useful).
 * With `keyOf`, returns the KEY node of that property instead of its value.
 */
export function nodeAt(doc: Document.Parsed, pointer: string, keyOf?: string): Node | undefined {
  const segments = pointer === '' ? [] : pointer.split('/').slice(1).map(unescapePointer);
  if (keyOf !== undefined) segments.push(keyOf);
  let current: Node | null = doc.contents;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    let next: Node | null | undefined;
    if (isMap(current)) {
      const pair = current.items.find((p) => isScalar(p.key) && (p.key.source ?? String(p.key.value)) === segment);
      if (pair && keyOf !== undefined && i === segments.length - 1) return pair.key as Node;
      next = pair ? (pair.value as Node | null) : undefined;
      // An empty value (`outreachUserId:`) has no text of its own: point at its key instead.
      if (pair && i === segments.length - 1 && isEmptyScalar(next)) return pair.key as Node;
    } else if (isSeq(current)) {
      next = current.items[Number(segment)] as Node | undefined;
    }
    if (next === undefined || next === null) return current ?? undefined;
    current = next;
  }
  return current ?? undefined;
}

/** Source offset of a node's first character (0 when unknown). */
export function startOf(node: Node | undefined | null): number {
  return node?.range?.[0] ?? 0;
}

function isEmptyScalar(node: Node | null | undefined): boolean {
  return isScalar(node) && node.value === null && (node.source ?? '') === '' && node.range != null && node.range[0] === node.range[1];
}
