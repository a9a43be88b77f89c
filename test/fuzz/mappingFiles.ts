// fast-check generators for mapping files that are *nearly* valid: a well-formed document built
// from random entries, written with random YAML styles (indentation, quoting, tags, anchors,
// flow style), then damaged by random mutations (inserted unicode, NULs, lone surrogates,
// deleted or doubled text, invalid UTF-8 bytes, a second document). Near-valid input reaches the
// deep checks (IDs, uniqueness, schema) that random bytes never would.
import fc from 'fast-check';
import { checksumSuffix } from '../../dist/crm/salesforceId.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const DIGITS = '0123456789'.split('');

const chars = (alphabet: string[], min: number, max: number) => fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** The seeds fuzz runs use; FUZZ_SEED overrides them all to reproduce a printed failure. */
export function seed(fallback: number): number {
  return process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : fallback;
}

export function runs(fallback: number): number {
  return process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : fallback;
}

/** Salesforce-ish IDs: valid ones, their damaged cousins, and the ones YAML typing could bend. */
export const crmIdText: fc.Arbitrary<string> = fc.oneof(
  // a valid 18-character ID, suffix in random case
  chars(ALNUM, 12, 12).chain((body) => {
    const id15 = `005${body}`;
    return fc.boolean().map((lower) => id15 + (lower ? checksumSuffix(id15).toLowerCase() : checksumSuffix(id15)));
  }),
  // a valid 15-character ID
  chars(ALNUM, 12, 12).map((body) => `005${body}`),
  // digit-only IDs (YAML would read them as integers)
  chars(DIGITS, 12, 12).map((d) => `005${d}`),
  chars(DIGITS, 12, 12).map((d) => `005${d}${checksumSuffix(`005${d}`)}`),
  // exponent-looking IDs (YAML would read 0050000000001e5 as a float)
  fc.tuple(chars(DIGITS, 1, 8), chars(DIGITS, 1, 3)).map(([a, b]) => `005${a}e${b}`.padEnd(15, '0').slice(0, 15)),
  fc.tuple(chars(DIGITS, 1, 8), chars(DIGITS, 1, 3)).map(([a, b]) => { const id = `005${a.padEnd(9, '0')}E${b}`.slice(0, 15).padEnd(15, '0'); return id + checksumSuffix(id); }),
  // a valid 18-character ID with its letter case mangled (spreadsheets)
  chars(ALNUM, 12, 12).chain((body) => {
    const id = `005${body}${checksumSuffix(`005${body}`)}`;
    return fc.constantFrom(id.toLowerCase(), id.toUpperCase());
  }),
  // random alphanumerics of the right and wrong lengths, other prefixes
  chars(ALNUM, 15, 15),
  chars(ALNUM, 18, 18),
  fc.tuple(fc.constantFrom('001', '003', '00Q', '005', '500'), chars(ALNUM, 0, 20)).map(([p, r]) => p + r),
  // anything at all
  fc.string({ unit: 'binary', maxLength: 24 }),
);

export const outreachIdText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 1_000_000 }).map(String),
  fc.integer({ min: 1, max: 50 }).map(String),
  fc.constantFrom('0', '-1', '042', '0x2A', '0o52', '1_000', '4.2e1', '42.0', '1e400', '-1e400', '.inf', '-.Inf', '.nan', 'null', '~', 'true', '', '"42"', "'7'"),
  fc.bigInt({ min: 1n, max: 10n ** 40n }).map(String),
  fc.constantFrom('9007199254740991', '9007199254740992', '18446744073709551616', '1' + '0'.repeat(400)),
);

const plainText = fc.string({ unit: 'grapheme', maxLength: 20 });
const scaryText = fc.constantFrom('\u0000', '\uD800', '\uDFFF', '\u202E', '\u200F', '\uFEFF', '\u2028', '\u0085', '\t', '\r', 'é', '日本', '🙂', '\\', '"', "'", '#', ': ', '- ', '&a', '*a', '!!int', '{', '[', '%YAML 1.1', '---', '...');

type Style = 'plain' | 'single' | 'double' | 'str-tag' | 'int-tag' | 'custom-tag' | 'anchor' | 'alias';
const style = fc.constantFrom<Style>('plain', 'plain', 'plain', 'single', 'double', 'str-tag', 'int-tag', 'custom-tag', 'anchor', 'alias');

function renderScalar(text: string, how: Style, anchorName: string): string {
  switch (how) {
    case 'plain': return text;
    case 'single': return `'${text.replace(/'/g, "''")}'`;
    case 'double': return JSON.stringify(text);
    case 'str-tag': return `!!str ${text}`;
    case 'int-tag': return `!!int ${text}`;
    case 'custom-tag': return `!id ${text}`;
    case 'anchor': return `&${anchorName} ${text}`;
    case 'alias': return `*${anchorName}`;
  }
}

interface EntrySpec {
  crm: string;
  crmStyle: Style;
  outreach: string;
  outreachStyle: Style;
  name?: string;
  email?: string;
  note?: string;
  extraKey?: string;
  flow: boolean;
  anchor: string;
}

const entry: fc.Arbitrary<EntrySpec> = fc.record({
  crm: crmIdText,
  crmStyle: style,
  outreach: outreachIdText,
  outreachStyle: style,
  name: fc.option(fc.oneof(plainText, scaryText), { nil: undefined }),
  email: fc.option(fc.oneof(fc.emailAddress(), plainText), { nil: undefined }),
  note: fc.option(fc.oneof(plainText, scaryText, fc.constantFrom('1.10', 'yes', 'null', '0x10')), { nil: undefined }),
  extraKey: fc.option(fc.oneof(fc.constantFrom('crmUserID', 'outreachUserID', 'Name', 'mail', 'crmuserid', 'x', '<<', '? complex'), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 })), { nil: undefined }),
  flow: fc.boolean(),
  anchor: fc.constantFrom('a', 'b', 'id1'),
}, { requiredKeys: ['crm', 'crmStyle', 'outreach', 'outreachStyle', 'flow', 'anchor'] });

function renderEntry(e: EntrySpec, indent: string, step: string): string {
  const pairs: [string, string][] = [
    ['crmUserId', renderScalar(e.crm, e.crmStyle, e.anchor)],
    ['outreachUserId', renderScalar(e.outreach, e.outreachStyle, e.anchor)],
  ];
  if (e.name !== undefined) pairs.push(['name', JSON.stringify(e.name)]);
  if (e.email !== undefined) pairs.push(['email', e.email]);
  if (e.note !== undefined) pairs.push(['note', e.note]);
  if (e.extraKey !== undefined) pairs.push([e.extraKey, '1']);
  if (e.flow) return `${indent}- { ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
  const [first, ...rest] = pairs;
  const inner = indent + ' '.repeat(2) + step.slice(2);
  return [`${indent}- ${first![0]}: ${first![1]}`, ...rest.map(([k, v]) => `${inner}${k}: ${v}`)].join('\n');
}

export interface Mutation {
  kind: 'insert' | 'delete' | 'duplicate-line' | 'second-document' | 'bytes' | 'crlf' | 'bom' | 'nest';
  at: number;
  text: string;
  length: number;
  bytes: number[];
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('insert', 'insert', 'delete', 'duplicate-line', 'second-document', 'bytes', 'crlf', 'bom', 'nest'),
  at: fc.nat(),
  text: fc.oneof(scaryText, fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom(' ', '  ', '\n', '-', ':', '\t')),
  length: fc.integer({ min: 1, max: 12 }),
  // invalid UTF-8: stray continuation, truncated sequence, overlong NUL, CESU lone surrogate, 0xFF
  bytes: fc.constantFrom([0x80], [0xc3], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xff], [0xf4, 0x90, 0x80, 0x80], [0x00]),
});

export interface GeneratedFile {
  /** Relative to the project root, e.g. mappings/team-1.yaml. */
  path: string;
  bytes: Buffer;
  /** True when no mutation touched the rendered document. */
  pristine: boolean;
}

function applyMutations(text: string, mutations: Mutation[]): Buffer {
  let out = text;
  const raw: { at: number; bytes: number[] }[] = [];
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
    else if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
    else if (m.kind === 'duplicate-line') {
      const lines = out.split('\n');
      const i = m.at % lines.length;
      lines.splice(i, 0, lines[i]!);
      out = lines.join('\n');
    } else if (m.kind === 'second-document') out += `\n---\nmappings: []\n`;
    else if (m.kind === 'crlf') out = out.replace(/\n/g, '\r\n');
    else if (m.kind === 'bom') out = '\uFEFF' + out;
    // absurd nesting at a random place: flow sequences 40 to 4,000 deep
    else if (m.kind === 'nest') out = out.slice(0, at) + '['.repeat(m.length ** 3 * 2 + 40) + out.slice(at);
    else raw.push({ at, bytes: m.bytes });
  }
  let bytes = Buffer.from(out, 'utf8');
  for (const r of raw) {
    const at = Math.min(r.at, bytes.length);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(r.bytes), bytes.subarray(at)]);
  }
  return bytes;
}

// A tame entry: one of the ID forms a real file holds, in a style YAML could mistype, and a
// distinct Outreach id — so that a good share of projects validate and the "valid" properties
// are exercised too.
const tameEntry: fc.Arbitrary<EntrySpec> = fc.record({
  crm: fc.oneof(
    chars(ALNUM, 12, 12).map((body) => `005${body}`),
    chars(ALNUM, 12, 12).map((body) => `005${body}${checksumSuffix(`005${body}`)}`),
    chars(ALNUM, 12, 12).map((body) => `005${body}${checksumSuffix(`005${body}`).toLowerCase()}`),
    chars(DIGITS, 12, 12).map((d) => `005${d}`),
    fc.tuple(chars(DIGITS, 5, 9), chars(DIGITS, 1, 2)).map(([a, b]) => `005${a}e${b}`.padEnd(15, '0').slice(0, 15)),
  ),
  crmStyle: fc.constantFrom<Style>('plain', 'plain', 'single', 'double', 'str-tag'),
  outreach: fc.integer({ min: 1, max: 2 ** 40 }).map(String),
  outreachStyle: fc.constant<Style>('plain'),
  name: fc.option(plainText.filter((t) => t.trim() !== "" && !/[\u0000-\u001f\u007f-\u009f\ud800-\udfff\ufeff]/u.test(t)), { nil: undefined }),
  flow: fc.boolean(),
  anchor: fc.constant('a'),
}, { requiredKeys: ['crm', 'crmStyle', 'outreach', 'outreachStyle', 'flow', 'anchor'] });

const fileSpec = fc.record({
  name: fc.constantFrom('team.yaml', 'emea.yml', 'sub/apac.yaml', 'deep/er/amer.YAML', 'x.yaml'),
  entries: fc.oneof(fc.array(entry, { maxLength: 6 }), fc.array(tameEntry, { maxLength: 6 })),
  indent: fc.constantFrom('', ' ', '  ', '    '),
  // A wrong step misaligns an entry's keys (a YAML error): one time in four.
  step: fc.constantFrom('  ', '  ', '  ', '   '),
  modeline: fc.boolean(),
  topLevel: fc.constantFrom('mappings', 'mappings', 'mappings', 'mappings', 'mappings', 'Mappings', 'mapping', '"mappings"'),
  extraTop: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 6 },
    { arbitrary: fc.constantFrom('version: 1', 'defaults: &d {outreachUserId: 1}', 'mappings: []'), weight: 1 },
  ),
  mutations: fc.oneof(fc.constant([] as Mutation[]), fc.constant([] as Mutation[]), fc.array(mutation, { minLength: 1, maxLength: 3 })),
});

export const mappingFile: fc.Arbitrary<GeneratedFile> = fileSpec.map((spec) => {
  const lines: string[] = [];
  if (spec.modeline) lines.push('# yaml-language-server: $schema=../schema/user-mappings.schema.json');
  if (spec.extraTop) lines.push(spec.extraTop);
  if (spec.entries.length === 0) lines.push(`${spec.topLevel}: []`);
  else {
    lines.push(`${spec.topLevel}:`);
    for (const e of spec.entries) lines.push(renderEntry(e, spec.indent, spec.step));
  }
  const text = lines.join('\n') + '\n';
  return { path: `mappings/${spec.name}`, bytes: applyMutations(text, spec.mutations), pristine: spec.mutations.length === 0 };
});

/** One to three files with distinct paths. */
export const mappingProject: fc.Arbitrary<GeneratedFile[]> = fc.uniqueArray(mappingFile, {
  minLength: 1,
  maxLength: 3,
  selector: (f) => f.path.toLowerCase(),
});
