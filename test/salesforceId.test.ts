import { describe, expect, it } from 'vitest';
import { checkUserId, checksumSuffix, to18 } from '../src/desired/salesforceId.js';

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
