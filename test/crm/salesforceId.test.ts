import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalId, checkUserId, checksumSuffix, repairCase, to18 } from '../../src/crm/salesforceId.js';

describe('Salesforce ID checksum (known values)', () => {
  it('computes the documented suffix', () => {
    // All lower case / digits → every chunk is 0 → "AAA".
    expect(checksumSuffix('005000000000001')).toBe('AAA');
    // Upper-case letters set bits within each 5-character chunk.
    expect(to18('0055e000001AbCd')).toBe('0055e000001AbCdAAK'.slice(0, 15) + checksumSuffix('0055e000001AbCd'));
    expect(checksumSuffix('A0000B0000C0000')).toBe('BBB');
    expect(checksumSuffix('AAAAAAAAAAAAAAA')).toBe('555');
  });

  it('accepts 15- and 18-character forms and canonicalises to 18', () => {
    const id18 = to18('005Hs00000ABcDe');
    expect(checkUserId('005Hs00000ABcDe')).toEqual({ ok: true, id: id18 });
    expect(checkUserId(id18)).toEqual({ ok: true, id: id18 });
    expect(checkUserId(id18.slice(0, 15) + id18.slice(15).toLowerCase())).toEqual({ ok: true, id: id18 });
  });

  it('offers the repaired ID for a lower-cased 18-character ID', () => {
    const id18 = to18('005Hs00000ABcDe');
    const result = checkUserId(id18.toLowerCase());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem.code).toBe('crm-id-checksum');
      expect(result.problem.message).toContain(`did you mean ${id18}`);
    }
  });

  it('rejects bad prefix and format', () => {
    expect(checkUserId('001Hs00000ABcDe')).toMatchObject({ ok: false, problem: { code: 'crm-id-prefix' } });
    expect(checkUserId('005Hs00000ABcD')).toMatchObject({ ok: false, problem: { code: 'crm-id-format' } });
    expect(checkUserId('005Hs00000AB-De')).toMatchObject({ ok: false, problem: { code: 'crm-id-format' } });
  });
});

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Any syntactically valid 15-character User ID: 005 then twelve letters or digits. */
const userId15 = fc
  .array(fc.constantFrom(...ALNUM.split('')), { minLength: 12, maxLength: 12 })
  .map((chars) => `005${chars.join('')}`);

describe('Salesforce ID properties', () => {
  it('15 → 18 → check gives back the same 18-character ID', () => {
    fc.assert(fc.property(userId15, (id15) => {
      const id18 = to18(id15);
      expect(id18).toHaveLength(18);
      expect(id18.slice(0, 15)).toBe(id15);
      expect(checkUserId(id15)).toEqual({ ok: true, id: id18 });
      expect(checkUserId(id18)).toEqual({ ok: true, id: id18 });
      expect(canonicalId(id15)).toBe(id18);
    }), { numRuns: 500 });
  });

  it('an 18-character ID lower-cased is refused with the original as the repair suggestion', () => {
    fc.assert(fc.property(userId15.filter((id) => /[A-Z]/.test(id)), (id15) => {
      const id18 = to18(id15);
      const mangled = id18.toLowerCase();
      expect(repairCase(mangled)).toBe(id18);
      const result = checkUserId(mangled);
      expect(result).toMatchObject({ ok: false, problem: { code: 'crm-id-checksum', suggestion: id18 } });
    }), { numRuns: 500 });
  });

  it('an 18-character ID upper-cased is refused with the original as the repair suggestion', () => {
    fc.assert(fc.property(userId15.filter((id) => /[a-z]/.test(id)), (id15) => {
      const id18 = to18(id15);
      const result = checkUserId(id18.toUpperCase());
      expect(result).toMatchObject({ ok: false, problem: { code: 'crm-id-checksum', suggestion: id18 } });
    }), { numRuns: 300 });
  });

  it('the 15- and 18-character forms of one ID always canonicalise to the same value', () => {
    fc.assert(fc.property(userId15, (id15) => {
      const a = checkUserId(id15);
      const b = checkUserId(to18(id15));
      expect(a).toEqual(b);
    }), { numRuns: 300 });
  });

  it('changing the letter case of one body letter breaks the checksum', () => {
    fc.assert(fc.property(userId15.filter((id) => /[A-Za-z]/.test(id.slice(3))), fc.nat(), (id15, pick) => {
      const id18 = to18(id15);
      const letters = [...id15].map((c, i) => (/[A-Za-z]/.test(c) ? i : -1)).filter((i) => i >= 0);
      const at = letters[pick % letters.length]!;
      const ch = id18[at]!;
      const flipped = id18.slice(0, at) + (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()) + id18.slice(at + 1);
      const result = checkUserId(flipped);
      expect(result).toMatchObject({ ok: false, problem: { code: 'crm-id-checksum' } });
    }), { numRuns: 300 });
  });
});

describe('case repair: the suffix decides the case of every letter', () => {
  const flipAt = (id: string, positions: Set<number>) =>
    [...id].map((c, i) => (positions.has(i) ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c)).join('');

  it('any set of letters in the first fifteen changed in case → the original is offered', () => {
    fc.assert(fc.property(userId15.filter((id) => /[A-Za-z]/.test(id)), fc.array(fc.nat(), { minLength: 1, maxLength: 15 }), fc.boolean(), (id15, picks, lowerSuffix) => {
      const id18 = to18(id15);
      const letters = [...id15].map((c, i) => (/[A-Za-z]/.test(c) ? i : -1)).filter((i) => i >= 0);
      const flipped = new Set(picks.map((p) => letters[p % letters.length]!));
      let mangled = flipAt(id18.slice(0, 15), flipped) + id18.slice(15);
      if (lowerSuffix) mangled = mangled.slice(0, 15) + mangled.slice(15).toLowerCase();
      const result = checkUserId(mangled);
      expect(result).toMatchObject({ ok: false, problem: { code: 'crm-id-checksum', suggestion: id18 } });
      if (!result.ok) {
        expect(result.problem.message).toContain(`did you mean ${id18}?`);
        expect(result.problem.message).not.toMatch(/: the last three characters should be/);
      }
    }), { numRuns: 1000 });
  });

  it('the suffix is blamed exactly when it marks a digit as upper case', () => {
    const suffixChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'.split(''));
    fc.assert(fc.property(userId15, fc.tuple(suffixChar, suffixChar, suffixChar), (id15, chars) => {
      const raw = id15 + chars.join('');
      const result = checkUserId(raw);
      if (result.ok) return;
      const bitsOf = (c: string) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'.indexOf(c);
      const fitsSomeCasing = chars.every((c, chunk) =>
        [0, 1, 2, 3, 4].every((i) => (bitsOf(c) & (1 << i)) === 0 || /[A-Za-z]/.test(id15[chunk * 5 + i]!)));
      const suggestion = 'suggestion' in result.problem ? result.problem.suggestion : undefined;
      if (fitsSomeCasing) {
        expect(suggestion).toBeDefined();
        expect(suggestion!.toLowerCase()).toBe(raw.toLowerCase());
        expect(checkUserId(suggestion!)).toEqual({ ok: true, id: suggestion });
      } else {
        expect(suggestion).toBeUndefined();
        expect(result.problem.message).toContain(`the last three characters should be ${checksumSuffix(id15)}`);
      }
    }), { numRuns: 2000 });
  });
});
