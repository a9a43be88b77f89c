// The fast reader (src/desired/canonicalReader.ts) against the yaml path, on random mapping
// files near fmt's shape: valid and invalid entries, comments, the three quoting styles, 15/18-
// character IDs and GUIDs, odd spacing, tricky characters, every validate error code. Loading
// the same project both ways must give the same mappings, the same errors at the same positions,
// the same counts and the same fingerprint. Seeded and bounded (FUZZ_SEED / FUZZ_RUNS override).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFileTexts } from '../../dist/desired/load.js';
import { formatMappingFile } from '../../dist/desired/format.js';
import { readCanonical } from '../../dist/desired/canonicalReader.js';
import { desiredFingerprint } from '../../dist/plan/fingerprint.js';
import { crmIdRules } from '../../dist/crm/index.js';
import { checksumSuffix } from '../../dist/crm/salesforceId.js';
import { runs, seed } from '../fuzz/mappingFiles.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const HEX = '0123456789abcdefABCDEF'.split('');
const DIGITS = '0123456789'.split('');
const chars = (alphabet: string[], min: number, max: number) => fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));

const guid = fc.tuple(chars(HEX, 8, 8), chars(HEX, 4, 4), chars(HEX, 4, 4), chars(HEX, 4, 4), chars(HEX, 12, 12)).map((g) => g.join('-'));

const crmId: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: chars(ALNUM, 12, 12).map((b) => `005${b}${checksumSuffix(`005${b}`)}`) },
  { weight: 3, arbitrary: chars(ALNUM, 12, 12).map((b) => `005${b}`) },
  { weight: 1, arbitrary: chars(ALNUM, 12, 12).map((b) => `005${b}${checksumSuffix(`005${b}`).toLowerCase()}`) },
  { weight: 1, arbitrary: chars(ALNUM, 12, 12).map((b) => `005${b}AAA`) },
  { weight: 1, arbitrary: chars(DIGITS, 12, 12).map((d) => `005${d}`) },
  { weight: 1, arbitrary: fc.tuple(chars(DIGITS, 5, 9), chars(DIGITS, 1, 2)).map(([a, b]) => `005${a}e${b}`.padEnd(15, '0').slice(0, 15)) },
  { weight: 4, arbitrary: guid },
  { weight: 1, arbitrary: guid.map((g) => g.toUpperCase()) },
  { weight: 2, arbitrary: guid.map((g) => `{${g}}`) },
  { weight: 1, arbitrary: fc.constantFrom('', 'null', '~', 'NULL', 'true', '001000000000001', '005', '005abc', '{x}', '3f2504e0-4f89-11d3-9a0c-0305e82c330') },
  { weight: 1, arbitrary: chars(ALNUM, 0, 20) },
  // A small pool, so that some users are mapped twice (in one form or another).
  { weight: 2, arbitrary: fc.constantFrom('005000000000001', `005000000000001${checksumSuffix('005000000000001')}`, '3f2504e0-4f89-11d3-9a0c-0305e82c3301', '{3F2504E0-4F89-11D3-9A0C-0305E82C3301}') },
);

type Crm = 'salesforce' | 'dynamics';
/** A tame file's IDs: mostly valid for the project's CRM, some from the whole pool above. */
const tameCrmId = (crm: Crm): fc.Arbitrary<string> => fc.oneof(
  { weight: 6, arbitrary: crm === 'salesforce'
    ? fc.oneof(chars(ALNUM, 12, 12).map((b) => `005${b}${checksumSuffix(`005${b}`)}`), chars(ALNUM, 12, 12).map((b) => `005${b}`), chars(DIGITS, 12, 12).map((d) => `005${d}`))
    : fc.oneof(guid, guid.map((g) => `{${g.toUpperCase()}}`)) },
  // The same user in two forms, so that some users are mapped twice.
  { weight: 1, arbitrary: crm === 'salesforce'
    ? fc.constantFrom('005000000000001', `005000000000001${checksumSuffix('005000000000001')}`)
    : fc.constantFrom('3f2504e0-4f89-11d3-9a0c-0305e82c3301', '{3F2504E0-4F89-11D3-9A0C-0305E82C3301}') },
  { weight: 1, arbitrary: crmId },
);

const outreachId: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 200 }).map(String) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 2 ** 53 - 1 }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom('0', '-1', '+1', '042', '0x2A', '1_000', '4.2e1', '42.0', '1e3', '.inf', 'null', '~', '', 'true', '9007199254740992', '18446744073709551616') },
);

/** Text with the characters that matter to YAML's scalars and to this reader. */
const tricky = fc.constantFrom(
  '#', ' #', '# ', ':', ': ', ' :', "'", "''", '"', '\\', '\\"', '\\t', '\\n', '\\x41', '\\u00e9', ',', '[', ']', '{', '}', '-', '- ', '?', '? ', '&a', '*a', '!', '!!str ', '|', '>',
  '%', '@', '`', ' ', '  ', '\t', '\r', '\u0085', '\u2028', '\uFEFF', '\u00A0', 'é', 'José', '日本', '🙂', '\uD800', '\u0000', '\u007F', 'null', '~', 'true', '1984', '0x1F', '.inf', '---', '...',
);
const word = fc.constantFrom('Rep', 'Ng', 'O', 'Brien', 'a', 'x', 'B.', 'García', 'repurposed seat', 'user', 'example.com');
const text: fc.Arbitrary<string> = fc.array(fc.oneof({ weight: 3, arbitrary: word }, { weight: 2, arbitrary: tricky }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) }), { minLength: 0, maxLength: 5 }).map((parts) => parts.join(''));
const email: fc.Arbitrary<string> = fc.oneof(fc.emailAddress(), fc.constantFrom('rep@example.com', 'a.b+c@sub.example.org', 'not-an-email', 'x@', '@y.z', ''), text);

type Quote = 'plain' | 'single' | 'double';
const quote = fc.constantFrom<Quote>('plain', 'plain', 'plain', 'single', 'double');

function render(value: string, how: Quote): string {
  if (how === 'single') return `'${value.replace(/'/g, "''")}'`;
  // Double quotes as written by hand: the value's own backslashes stay (some become escapes).
  if (how === 'double') return `"${value.replace(/"/g, '\\"')}"`;
  return value;
}

interface Pair {
  key: string;
  value: string;
  how: Quote;
  /** Spaces after the colon (1 is fmt's). */
  gap: number;
  comment?: string;
}

const keyName = fc.oneof(
  { weight: 12, arbitrary: fc.constant('') }, // the pair's own key (set by the entry)
  { weight: 1, arbitrary: fc.constantFrom('crmUserID', 'Name', 'mail', 'x', '"name"', "'note'", 'name ', '? name', '<<', 'outreachUserId') },
);

const comment = fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(' # trailing', '  #x', '#glued', ' #', ' # a: b', ' # "quoted') });
const gap = fc.oneof({ weight: 8, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom(0, 2, 3) });

// A tame file is fmt's shape with random values (valid or not); a wild one bends the layout too.
const tameComment = fc.oneof({ weight: 15, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(' # kept') });
const tameOutreachQuote = fc.oneof({ weight: 15, arbitrary: fc.constant<Quote>('plain') }, { weight: 1, arbitrary: quote });
const pairOf = (key: string, value: fc.Arbitrary<string>, wild: boolean) =>
  fc.record({
    keyOverride: wild ? keyName : fc.constant(''),
    value,
    how: wild || key !== 'outreachUserId' ? quote : tameOutreachQuote,
    gap: wild ? gap : fc.constant(1),
    comment: wild ? comment : tameComment,
  })
    .map(({ keyOverride, ...rest }): Pair => ({ key: keyOverride || key, ...rest }));

interface Entry {
  pairs: Pair[];
  /** Extra spaces after "- " (0 is fmt's), and a shift of the key lines' indentation (0 is fmt's). */
  dashGap: number;
  keyShift: number;
  /** Lines put between the entry's lines: comments at some indentation, blank lines, continuation lines. */
  between: Array<{ at: number; line: string }>;
}

const betweenLine = fc.record({
  at: fc.nat(6),
  line: fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.nat(8), fc.constantFrom('# note', '#', '# a: b', '#- x')).map(([n, c]) => ' '.repeat(n) + c) },
    { weight: 2, arbitrary: fc.constantFrom('', '  ', '      ') },
    { weight: 1, arbitrary: fc.constantFrom('      more words', '    - crmUserId: 0050000000000AA', '  x', 'other: 1', '---', '...', '\t# tab', '    ') },
  ),
});

// One tricky piece between plain words: each boundary the reader decides on, met one at a time.
const tameText = fc.oneof(
  { weight: 3, arbitrary: word },
  { weight: 3, arbitrary: fc.tuple(fc.option(word, { nil: '' }), tricky, fc.option(word, { nil: '' })).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: text },
);
const entryOf = (wild: boolean, crm: Crm): fc.Arbitrary<Entry> => fc.record({
  crm: fc.option(pairOf('crmUserId', wild ? crmId : tameCrmId(crm), wild), { nil: undefined, freq: wild ? 20 : 60 }),
  outreach: fc.option(pairOf('outreachUserId', wild ? outreachId : fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 400 }).map(String) }, { weight: 1, arbitrary: outreachId }), wild), { nil: undefined, freq: wild ? 20 : 60 }),
  name: fc.option(pairOf('name', wild ? fc.oneof(word, text) : tameText, wild), { nil: undefined, freq: 2 }),
  email: fc.option(pairOf('email', wild ? email : fc.oneof({ weight: 4, arbitrary: fc.nat(999).map((n) => `rep${n}@example.com`) }, { weight: 1, arbitrary: email }), wild), { nil: undefined, freq: 3 }),
  note: fc.option(pairOf('note', wild ? fc.oneof(word, text) : tameText, wild), { nil: undefined, freq: 4 }),
  order: wild ? fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.array(fc.nat(4), { minLength: 5, maxLength: 5 }) }) : fc.constant(null),
  duplicate: fc.oneof({ weight: wild ? 15 : 60, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat(4) }),
  dashGap: wild ? fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(1, 2) }) : fc.constant(0),
  keyShift: wild ? fc.oneof({ weight: 20, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1, 2) }) : fc.constant(0),
  between: wild ? fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(betweenLine, { maxLength: 2 }) })
    : fc.oneof({ weight: 6, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.record({ at: fc.nat(6), line: fc.constantFrom('  # moved with the entry', '', '# c') }), { maxLength: 1 }) }),
}).map(({ crm, outreach, name, email, note, order, duplicate, ...layout }): Entry => {
  let pairs = [crm, outreach, name, email, note].filter((p): p is Pair => p !== undefined);
  if (order) pairs = pairs.map((p, i) => ({ p, k: order[i] ?? 0 })).sort((a, b) => a.k - b.k).map((x) => x.p);
  if (duplicate >= 0 && pairs.length > 0) pairs.push({ ...pairs[duplicate % pairs.length]! });
  return { pairs, ...layout };
});

function renderPair(p: Pair): string {
  return `${p.key}:${' '.repeat(p.gap)}${render(p.value, p.how)}${p.comment ?? ''}`;
}

function renderEntry(e: Entry, dashIndent: number): string[] {
  const lines: string[] = [];
  const keyIndent = dashIndent + 2 + e.dashGap;
  e.pairs.forEach((p, i) => {
    if (i === 0) lines.push(`${' '.repeat(dashIndent)}-${' '.repeat(1 + e.dashGap)}${renderPair(p)}`);
    else lines.push(`${' '.repeat(Math.max(0, keyIndent + (i === 1 ? e.keyShift : 0)))}${renderPair(p)}`);
  });
  if (lines.length === 0) lines.push(`${' '.repeat(dashIndent)}-`);
  for (const b of e.between) lines.splice(Math.min(b.at, lines.length), 0, b.line);
  return lines;
}

const header = fc.constantFrom('mappings:', 'mappings:', 'mappings:', 'mappings:  ', 'mappings: # the list', 'mappings:#x', 'Mappings:', '"mappings":', 'mappings :', 'mapping:');
const emptyHeader = fc.constantFrom('mappings: []', 'mappings: [] # none', 'mappings:[]', 'mappings: [ ]', 'mappings: {}', 'mappings:');

const MODELINE = '# yaml-language-server: $schema=../schema/user-mappings.schema.json';
const fileSpecOf = (wild: boolean, crm: Crm) => fc.record({
  preamble: wild
    ? fc.array(fc.constantFrom(MODELINE, '', '# team EMEA', '  # indented', '%YAML 1.2', '---', 'version: 1'), { maxLength: 3 })
    : fc.constantFrom([MODELINE, ''], [MODELINE], [], ['# team EMEA', MODELINE, '']),
  header: wild ? header : fc.constant('mappings:'),
  emptyHeader: wild ? emptyHeader : fc.constant('mappings: []'),
  dashIndent: wild ? fc.oneof({ weight: 8, arbitrary: fc.constant(2) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 4) }) : fc.constantFrom(2, 2, 2, 0),
  entries: fc.array(entryOf(wild, crm), { maxLength: 5 }),
  trailer: wild ? fc.array(fc.constantFrom('', '# end', '  # end', 'other: 1', '...'), { maxLength: 2 }) : fc.constantFrom([], ['# end']),
  finalNewline: wild ? fc.boolean() : fc.constant(true),
  // A few raw edits at random places, one wild file in four.
  edits: wild
    ? fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.record({ at: fc.nat(), remove: fc.nat(3), insert: fc.oneof(tricky, fc.constantFrom('\n', '\n  ', ' ', '')) }), { minLength: 1, maxLength: 2 }) })
    : fc.constant([] as Array<{ at: number; remove: number; insert: string }>),
});

type FileSpec = ReturnType<typeof fileSpecOf> extends fc.Arbitrary<infer T> ? T : never;

function renderFile(spec: FileSpec): string {
  const lines = [...spec.preamble];
  if (spec.entries.length === 0) lines.push(spec.emptyHeader);
  else {
    lines.push(spec.header);
    for (const e of spec.entries) lines.push(...renderEntry(e, spec.dashIndent));
  }
  lines.push(...spec.trailer);
  let out = lines.join('\n') + (spec.finalNewline ? '\n' : '');
  for (const edit of spec.edits) {
    const at = out.length === 0 ? 0 : edit.at % (out.length + 1);
    out = out.slice(0, at) + edit.insert + out.slice(at + edit.remove);
  }
  return out;
}

/**
 * A probe: one valid entry but for one value, a tricky piece alone, or before, after or between
 * words, in one quoting style, maybe with a comment glued on: the reader's decisions one by one.
 */
const probeFile = (crm: Crm): fc.Arbitrary<string> => fc.record({
  id: crm === 'salesforce' ? chars(ALNUM, 12, 12).map((b) => `005${b}`) : guid,
  key: fc.constantFrom('name', 'note', 'email', 'crmUserId', 'outreachUserId'),
  value: fc.oneof(
    tricky,
    fc.tuple(tricky, word).map((p) => p.join('')),
    fc.tuple(word, tricky).map((p) => p.join('')),
    fc.tuple(word, tricky, word).map((p) => p.join('')),
    fc.tuple(word, tricky).map(([w, t]) => `${w}@${t}example.com`),
  ),
  how: quote,
  after: fc.constantFrom('', '', ' # c', '#c', '  ', ' #', '\t# c'),
}).map(({ id, key, value, how, after }) => {
  const entry: Record<string, string> = { crmUserId: id, outreachUserId: '7', name: 'Rep' };
  const lines = ['mappings:'];
  Object.entries({ ...entry, [key]: `${render(value, how)}${after}` }).forEach(([k, v], i) => lines.push(`${i === 0 ? '  - ' : '    '}${k}: ${v}`));
  return lines.join('\n') + '\n';
});

const project = fc.constantFrom<Crm>('salesforce', 'salesforce', 'dynamics').chain((crm) => fc.record({
  crm: fc.constant(crm),
  files: fc.array(fc.oneof(fileSpecOf(false, crm).map(renderFile), fileSpecOf(true, crm).map(renderFile), probeFile(crm)), { minLength: 1, maxLength: 3 }),
}));

describe('the fast reader gives exactly what the yaml path gives', () => {
  it('same mappings, errors, positions, counts and fingerprints on random near-canonical projects', () => {
    const numRuns = runs(1500);
    let accepted = 0;
    let acceptedValid = 0;
    let files = 0;
    let validProjects = 0;
    const codes = new Set<string>();
    fc.assert(
      fc.property(project, ({ crm, files: texts }) => {
        const rules = crmIdRules(crm);
        const named = texts.map((text, i) => ({ file: `mappings/team-${i}.yaml`, text }));
        const fast = checkFileTexts(named, rules);
        const reference = checkFileTexts(named, rules, { reader: 'yaml' });
        expect(fast).toEqual(reference);
        // Same field order too (plans and JSON output are written from these objects).
        expect(JSON.stringify(fast)).toBe(JSON.stringify(reference));
        expect(desiredFingerprint(fast.state)).toBe(desiredFingerprint(reference.state));
        for (const { file, text } of named) {
          files++;
          if (readCanonical(text) === undefined) continue;
          accepted++;
          if (!reference.errors.some((e: { file: string }) => e.file === file)) acceptedValid++;
        }
        if (reference.errors.length === 0) validProjects++;
        for (const e of reference.errors) codes.add(e.code);
      }),
      { seed: seed(20261207), numRuns, verbose: 1 },
    );
    console.log(`fast reader: ${accepted} of ${files} files read fast (${acceptedValid} of them valid), ${validProjects} valid projects; codes: ${[...codes].sort().join(', ')}`);
    // The generator must reach both paths and every error kind, or the comparison proves little.
    expect(acceptedValid).toBeGreaterThan(files / 15);
    expect(accepted - acceptedValid).toBeGreaterThan(files / 30);
    expect(files - accepted).toBeGreaterThan(files / 5);
    expect(validProjects).toBeGreaterThan(numRuns / 40);
    expect([...codes].sort()).toEqual(['crm-id-checksum', 'crm-id-format', 'crm-id-prefix', 'duplicate-crm-id', 'duplicate-outreach-id', 'file-invalid', 'schema', 'yaml-duplicate-key', 'yaml-syntax']);
  }, 300_000);
});

describe("fmt's output is what the fast reader reads", () => {
  it('a valid file, once formatted, takes the fast path (unless it holds what the reader leaves to yaml)', () => {
    let formatted = 0;
    let refused = 0;
    const meaningChanged: string[] = [];
    const leftToYaml: string[] = [];
    fc.assert(
      fc.property(fc.constantFrom<Crm>('salesforce', 'dynamics').chain((crm) => fc.tuple(fc.constant(crm), fc.oneof(fileSpecOf(false, crm).map(renderFile), probeFile(crm)))), ([crm, text]) => {
        const rules = crmIdRules(crm);
        if (checkFileTexts([{ file: 'mappings/a.yaml', text }], rules, { reader: 'yaml' }).errors.length > 0) return;
        let out: string;
        try {
          out = formatMappingFile('mappings/a.yaml', text, rules);
        } catch (err) {
          // fmt refuses a valid file only when sorting would move an alias before its anchor (it
          // says so); "would change what the file means" is a formatter bug (\`note: | # c\` was one).
          refused++;
          if (/would change what the file means/.test((err as Error).message)) meaningChanged.push(text);
          return;
        }
        formatted++;
        if (readCanonical(out) !== undefined) return;
        // The reader's limits, each left to the yaml path on purpose: characters it does not
        // judge, escapes other than \\, \" and \t, and values that start with a YAML indicator
        // (a tag, anchor, alias, block scalar, flow collection…).
        const limits = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]|\\[^\\"t]|^ *(?:- )?\w+: [!&*|>%@`,[\]{}#]/mu;
        expect(out).toMatch(limits);
        leftToYaml.push(out);
      }),
      { seed: seed(20261208), numRuns: runs(1500) },
    );
    console.log(`fmt output: ${formatted} valid files formatted (${refused} refused by fmt), ${leftToYaml.length} left to the yaml path (characters or escapes the reader does not judge)`);
    expect(meaningChanged).toEqual([]);
    expect(formatted).toBeGreaterThan(300);
  }, 300_000);
});
