// The one way mapsync puts outside text into Markdown. Names, emails, notes, keys, file names and
// store messages come from YAML, stores and directories; GitHub renders what we write as GFM
// (cmark-gfm), keeps allow-listed HTML, and then turns @names into mentions, #12 / GH-12 /
// owner/repo#12 into references and bare URLs, www. and e-mail addresses into links. Only code
// spans and code blocks are never read for any of that, so every piece of data ends up in one:
// `code` for values, `text` for sentences (plain words stay plain, anything risky becomes code).
import { oneLine } from '../oneLine.js';

/** Where the Markdown goes: inside a GFM table cell, `|` ends the cell even within a code span. */
export interface Place {
  cell?: boolean;
}


/** A code span that no backtick in the text can close early; shows the text as it is. */
export function code(text: string, place: Place = {}): string {
  // Never shortened: a cut could split a secret that redaction must still recognise whole.
  let content = oneLine(text);
  if (content === '') return '` `';
  // GFM splits table rows on `|` before it reads code spans; `\|` is how a cell keeps one.
  if (place.cell) content = content.replace(/\|/g, '\\|');
  let longest = 0;
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  // A span that starts or ends with a backtick needs a space inside the fence (CommonMark strips one).
  const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

// A word GitHub leaves alone: letters, digits and a little punctuation, none of which starts
// Markdown, HTML, an entity, a link, a mention or a reference.
const PLAIN_WORD = /^[\p{L}\p{M}\p{N}'"’,.;:!?()%-]+$/u;
// ...except these shapes: GH-12 and repository-defined KEY-12 references, www. links, :emoji:
// shortcodes, and hex runs GitHub may link to a commit.
const RISKY_SHAPE = /(^|[^\p{L}\p{N}])\p{L}+-\p{N}|www\.|:[\p{L}\p{N}]+:|^[(]?[0-9a-f]{7,}[).,;:!?]*$/iu;

function isPlain(word: string): boolean {
  return PLAIN_WORD.test(word) && !RISKY_SHAPE.test(word);
}

/** A sentence that may hold data: plain words as they are, each run of other words as one code span. */
export function text(sentence: string, place: Place = {}): string {
  const words = oneLine(sentence).split(' ').filter((w) => w !== '');
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length === 0) return;
    // Keep sentence punctuation outside the code span: "(see mappings/a.yaml:3)" reads naturally.
    const [, lead, core, trail] = /^([("'“‘]*)(.*?)([)"'”’,.;:!?]*)$/su.exec(run.join(' '))!;
    out.push(core === '' ? code(run.join(' '), place) : `${lead}${code(core!, place)}${trail}`);
    run = [];
  };
  for (const word of words) {
    if (isPlain(word)) { flush(); out.push(word); } else run.push(word);
  }
  flush();
  return out.join(' ');
}

/** A URL mapsync built (GitHub links), safe as a Markdown link destination. */
export function url(href: string): string {
  return href.replace(/[\s()<>\\`|]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** A link whose label is already-safe Markdown (e.g. a code span) and whose target mapsync built. */
export function link(label: string, href: string): string {
  return `[${label}](${url(href)})`;
}

/**
 * The one number format: 20,000 (what en-US's toLocaleString writes). Whole numbers are grouped
 * here, not by Intl: the first toLocaleString of a run loads ICU's locale data, some 20 ms of
 * every validate and plan (docs/benchmarks.md, Start-up).
 */
export function count(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const grouped = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** "1 change", "20,000 changes". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/**
 * A fenced code block around text that keeps its lines (the plugin checklist): nothing inside is
 * read as Markdown, and the fence is longer than any backtick run in the text, so no line can close it.
 */
export function codeBlock(body: string, info = 'text'): string {
  let longest = 0;
  for (const run of body.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body.replace(/\n+$/, '')}\n${fence}`;
}
