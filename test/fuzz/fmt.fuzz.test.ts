// Fuzzing fmt's formatter (from dist/) with the same near-valid files: for every file that
// validates on its own, the canonical form validates too, holds exactly the same mappings (IDs
// as written, names, emails, notes), and formatting it again changes nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMappingFile } from '../../dist/desired/format.js';
import { checkFileText } from '../../dist/desired/load.js';
import { mappingFile, runs, seed } from './mappingFiles.js';

type Mapping = { crmUserId: string; outreachUserId: number; name?: string; email?: string; note?: string };
const key = (m: Mapping) => JSON.stringify([m.crmUserId, m.outreachUserId, m.name ?? null, m.email ?? null, m.note ?? null]);

/**
 * A note written as a block scalar: `|` or `>`, maybe a chomping or indentation indicator, maybe a
 * comment on the header line, and zero or more lines (blank, text, or text that looks like a
 * comment: inside the scalar it is text). Zero lines is the empty string, comment or not.
 */
const blockNote = fc.record({
  style: fc.constantFrom('|', '>'),
  chomp: fc.constantFrom('', '-', '+'),
  indicator: fc.constantFrom('', '2'),
  comment: fc.constantFrom('', ' # c', ' #', '  # a note about the note'),
  lines: fc.array(fc.constantFrom('', 'text', '# c', '  more indented', 'two words', '#'), { maxLength: 3 }),
});

type BlockNote = typeof blockNote extends fc.Arbitrary<infer T> ? T : never;

/** One or two entries whose notes are block scalars, each followed by another key or the end of the file. */
function blockNoteFile(notes: BlockNote[], noteLast: boolean): string {
  const lines = ['mappings:'];
  notes.forEach((n, i) => {
    lines.push(`  - crmUserId: 00500000000000${i}AAA`, `    outreachUserId: ${i + 1}`);
    if (!noteLast) lines.push(`    name: Rep ${i}`);
    lines.push(`    note: ${n.style}${n.indicator}${n.chomp}${n.comment}`);
    // Content lines sit deeper than the key (6 spaces; the indicator 2 means exactly that).
    for (const line of n.lines) lines.push(line === '' ? '' : `      ${line}`);
    if (noteLast) lines.push(`    name: Rep ${i}`);
  });
  return lines.join('\n') + '\n';
}

describe('fmt on random near-valid mapping files', () => {
  it('keeps every mapping, stays valid and is idempotent', () => {
    let formatted = 0;
    fc.assert(
      fc.property(mappingFile, (file) => {
        // Decoded as mapsync reads a file: strict UTF-8, a byte-order mark dropped.
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
        } catch {
          return;
        }
        // Only what validate accepts is formatted (fmt refuses the rest).
        const before = checkFileText(file.path, text);
        if (before.errors.length > 0) return;
        formatted++;
        const once = formatMappingFile(file.path, text);
        const after = checkFileText(file.path, once);
        expect(after.errors).toEqual([]);
        expect(after.mappings.map(key).sort()).toEqual(before.mappings.map(key).sort());
        expect(formatMappingFile(file.path, once)).toBe(once);
      }),
      { seed: seed(8080), numRuns: runs(3000) },
    );
    console.log(`fuzz fmt: ${formatted} valid files formatted`);
    expect(formatted).toBeGreaterThan(100);
  });
});

describe('fmt on block scalar notes', () => {
  it('keeps a block note\'s text, also an empty one whose header carries a comment (`note: | # c`), and settles', () => {
    let formatted = 0;
    fc.assert(
      fc.property(fc.array(blockNote, { minLength: 1, maxLength: 2 }), fc.boolean(), (notes, noteLast) => {
        const text = blockNoteFile(notes, noteLast);
        const before = checkFileText('mappings/a.yaml', text);
        if (before.errors.length > 0) return;
        formatted++;
        const once = formatMappingFile('mappings/a.yaml', text);
        const after = checkFileText('mappings/a.yaml', once);
        expect(after.errors).toEqual([]);
        expect(after.mappings.map(key).sort()).toEqual(before.mappings.map(key).sort());
        expect(formatMappingFile('mappings/a.yaml', once)).toBe(once);
      }),
      { seed: seed(8081), numRuns: runs(600) },
    );
    expect(formatted).toBeGreaterThan(300);
  });
});
