// Parses one mapping file ONCE with the yaml Document API, keeping every node's source position.
import { LineCounter, parseAllDocuments, type Document, type YAMLError } from 'yaml';

export interface YamlProblem {
  kind: 'yaml-syntax' | 'yaml-duplicate-key' | 'file-invalid';
  offset: number;
  message: string;
  hint?: string;
}

export type ParsedYaml =
  | { ok: true; doc: Document.Parsed; lineCounter: LineCounter }
  | { ok: false; problems: YamlProblem[]; lineCounter: LineCounter };

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    // YAML 1.2 core schema: no 1.1 surprises such as yes/no booleans or sexagesimal numbers.
    version: '1.2',
    uniqueKeys: true,
    // Composition never expands aliases (yaml's maxAliasCount only guards toJS, which is not
    // used here); toPlain.ts enforces its own alias budget.
  });
  const problems: YamlProblem[] = [];
  for (const doc of docs) {
    for (const err of doc.errors) problems.push(fromYamlError(err, text));
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    problems.push({
      kind: 'file-invalid',
      offset: second.range[0],
      message: 'file holds several YAML documents (a second "---"); keep one document per file',
      hint: 'move the second document into its own file',
    });
  }
  if (problems.length > 0) return { ok: false, problems, lineCounter };
  const doc = docs[0];
  if (doc === undefined || doc.contents === null) {
    // Decision: an empty file is an error, not "no mappings" — a file truncated by accident
    // would otherwise plan the removal of everyone it used to map.
    return {
      ok: false,
      lineCounter,
      problems: [{
        kind: 'file-invalid',
        offset: 0,
        message: 'file is empty: expected a top-level "mappings:" list',
        hint: 'write "mappings: []" for a file that has no mappings yet, or delete the file',
      }],
    };
  }
  return { ok: true, doc, lineCounter };
}

function fromYamlError(err: YAMLError, text: string): YamlProblem {
  const offset = err.pos[0];
  if (err.code === 'DUPLICATE_KEY') {
    const key = keyTextAt(text, offset);
    return {
      kind: 'yaml-duplicate-key',
      offset,
      message: key ? `key "${key}" appears twice in the same map` : 'a key appears twice in the same map',
      hint: 'keep one of them: YAML allows each key once per map',
    };
  }
  if (/call stack/i.test(err.message)) {
    // The parser ran out of stack: absurd nesting, refused as a whole.
    // Where the stack ran out depends on the machine, so the error points at the file's start.
    return { kind: 'file-invalid', offset: 0, message: 'file is nested too deeply to be a mapping file; refusing it' };
  }
  return { kind: 'yaml-syntax', offset, message: `YAML syntax: ${firstLine(err.message)}` };
}

/** The key written at `offset`, for a readable duplicate-key message. */
function keyTextAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200);
  const match = /^\s*["']?([^"':\n]+)/.exec(rest);
  return match?.[1]?.trim() ?? '';
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
