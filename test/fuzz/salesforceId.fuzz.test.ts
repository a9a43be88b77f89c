// Random strings through checkUserId (from dist/, as the CLI runs it): it never throws, and its
// classification is consistent — format before prefix before checksum, a valid answer is the
// canonical 18-character form of what was written, and a suggested repair is itself valid.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkUserId, checksumSuffix } from '../../dist/crm/salesforceId.js';
import { crmIdText, runs, seed } from './mappingFiles.js';

const CODES = ['crm-id-format', 'crm-id-prefix', 'crm-id-checksum'];
const anyId = fc.oneof(crmIdText, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: fc.constantFrom(...'005aAzZ09'.split('')), minLength: 14, maxLength: 19 }));

describe('checkUserId on random input', () => {
  it('never throws and classifies every string consistently', () => {
    fc.assert(
      fc.property(anyId, (raw) => {
        const check = checkUserId(raw);
        const wellFormed = /^[A-Za-z0-9]+$/.test(raw) && (raw.length === 15 || raw.length === 18);
        if (check.ok) {
          expect(wellFormed && raw.startsWith('005')).toBe(true);
          expect(check.id).toMatch(/^005[A-Za-z0-9]{12}[A-Z0-5]{3}$/);
          expect(check.id.slice(0, 15)).toBe(raw.slice(0, 15));
          expect(check.id.slice(15)).toBe(checksumSuffix(raw.slice(0, 15)));
          if (raw.length === 18) expect(check.id).toBe(raw.slice(0, 15) + raw.slice(15).toUpperCase());
          // Canonical is a fixed point, and the 15-character form names the same user.
          expect(checkUserId(check.id)).toEqual({ ok: true, id: check.id });
          expect(checkUserId(check.id.slice(0, 15))).toEqual({ ok: true, id: check.id });
        } else {
          expect(CODES).toContain(check.problem.code);
          expect(check.problem.message.length).toBeGreaterThan(0);
          if (!wellFormed) expect(check.problem.code).toBe('crm-id-format');
          else if (!raw.startsWith('005')) expect(check.problem.code).toBe('crm-id-prefix');
          else {
            expect(raw.length).toBe(18);
            expect(check.problem.code).toBe('crm-id-checksum');
          }
          const suggestion = 'suggestion' in check.problem ? check.problem.suggestion : undefined;
          if (suggestion !== undefined) {
            expect(checkUserId(suggestion)).toEqual({ ok: true, id: suggestion });
            expect(suggestion.toLowerCase()).toBe(raw.toLowerCase());
          }
        }
      }),
      { seed: seed(1815), numRuns: runs(20_000) },
    );
  });

  it('offers the repair for every valid ID whose letter case was flattened', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('')), minLength: 12, maxLength: 12 }), fc.boolean(), (body, lower) => {
        const id15 = `005${body}`;
        const id = id15 + checksumSuffix(id15);
        const flattened = lower ? id.toLowerCase() : id.toUpperCase();
        const check = checkUserId(flattened);
        if (flattened === id || (flattened.slice(0, 15) === id15)) {
          expect(check).toEqual({ ok: true, id });
        } else {
          expect(check.ok).toBe(false);
          if (!check.ok) {
            expect(check.problem.code).toBe('crm-id-checksum');
            expect('suggestion' in check.problem ? check.problem.suggestion : undefined).toBe(id);
          }
        }
      }),
      { seed: seed(1816), numRuns: runs(5_000) },
    );
  });
});
