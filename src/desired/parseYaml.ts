// Parses one mapping file ONCE with the yaml Document API, keeping every node's source position.
import { Lexer, LineCounter, parseAllDocuments, type Document, type YAMLError } from 'yaml';

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
  // One root cause, one error: after a syntax error the parser's view of the rest of the file is
  // guesswork (one tab used to give 50 follow-on lines), so only the first is reported. A
  // duplicate key is no syntax error and leaves the structure intact: each one is its own problem.
  const broken = problems.find((p) => p.kind !== 'yaml-duplicate-key');
  if (broken) {
    // The parser notices a missing closing quote or bracket where it gives up (often the end of
    // the file); the mistake is where it was opened.
    const opener = broken.kind === 'yaml-syntax' ? unclosedOpener(text) : undefined;
    const first = opener !== undefined && opener.offset <= broken.offset ? opener : broken;
    return { ok: false, problems: [first], lineCounter };
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
  let offset = err.pos[0];
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
  if (err.code === 'BLOCK_AS_IMPLICIT_KEY' || err.code === 'MULTILINE_IMPLICIT_KEY') {
    // A line indented deeper than its neighbours turns the value above it into a multi-line
    // key; the line that is off is the one after the value, not the value itself.
    const next = startOfNextLine(text, offset);
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    // Where the keys of this line start: after the indentation and any "- " item markers.
    const keyColumn = /^[ ]*(?:-[ ]+)*/.exec(text.slice(lineStart, offset))![0].length;
    const nextIndent = next === undefined ? 0 : /^[ ]*/.exec(text.slice(next))![0].length;
    if (next !== undefined && nextIndent > keyColumn && /\S/.test(text[next + nextIndent] ?? '')) {
      offset = next + nextIndent;
      return { kind: 'yaml-syntax', offset, message: 'YAML syntax: this line is indented differently from the lines around it', hint: 'line the keys of one entry up under each other, with spaces' };
    }
  }
  return { kind: 'yaml-syntax', offset, message: `YAML syntax: ${firstLine(err.message)}` };
}

/** The lexer's marker for a flow collection that indentation ended before its bracket did. */
const FLOW_ERROR_END = '\x18';

/** The first quoted scalar or flow collection ({ or [) that is never closed, from the lexer's tokens. */
function unclosedOpener(text: string): YamlProblem | undefined {
  let offset = 0;
  const flows: Array<{ offset: number; bracket: string }> = [];
  const unclosedFlow = (at: { offset: number; bracket: string }): YamlProblem => ({
    kind: 'yaml-syntax',
    offset: at.offset,
    message: `YAML syntax: this "${at.bracket}" is never closed`,
    hint: `close it with "${at.bracket === '{' ? '}' : ']'}" on the same line, or write the entry as indented lines`,
  });
  for (const token of new Lexer().lex(text)) {
    if (token === FLOW_ERROR_END && flows.length > 0) return unclosedFlow(flows[0]!);
    // The lexer also emits one-character control markers that are not part of the source.
    if (token.length === 1 && token < ' ' && token !== '\n' && token !== '\t' && token !== '\r') continue;
    const quote = token[0];
    if ((quote === '"' || quote === "'") && !isClosedQuote(token)) {
      return { kind: 'yaml-syntax', offset, message: 'YAML syntax: this quote is never closed', hint: 'add the closing quote on the same line, or remove the opening one' };
    }
    if (token === '{' || token === '[') flows.push({ offset, bracket: token });
    else if ((token === '}' || token === ']') && flows.length > 0) flows.pop();
    offset += token.length;
  }
  return flows.length > 0 ? unclosedFlow(flows[0]!) : undefined;
}

function isClosedQuote(token: string): boolean {
  const body = token.trimEnd();
  if (body.length < 2 || body[body.length - 1] !== body[0]) return false;
  if (body[0] === "'") {
    // '' is an escaped quote: the scalar is closed when the quotes after the opening one are odd.
    const trailing = /'+$/.exec(body.slice(1))![0].length;
    return trailing % 2 === 1;
  }
  let backslashes = 0;
  for (let i = body.length - 2; i > 0 && body[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

function startOfNextLine(text: string, offset: number): number | undefined {
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? undefined : newline + 1;
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
