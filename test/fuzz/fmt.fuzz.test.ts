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
