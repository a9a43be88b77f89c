// The CRM ID rules behind src/crm/: the Dynamics GUID rules, the Salesforce wrapper, and the
// hint that names the `crm` setting when an ID belongs to the other CRM.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crmIdRules, DEFAULT_CRM_RULES } from '../../src/crm/index.js';
import { to18 } from '../../src/crm/salesforceId.js';
import { UniquenessCheck } from '../../src/desired/uniqueness.js';

const dynamics = crmIdRules('dynamics');
const salesforce = crmIdRules('salesforce');

/** A canonical systemuserid: 32 lower-case hex digits grouped 8-4-4-4-12. */
const canonicalGuid = fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] }).map((u) => u.toLowerCase());

/** One way an admin may write a GUID: each letter's case chosen freely, braces or not. */
const writtenForm = (guid: string) =>
  fc.tuple(fc.array(fc.boolean(), { minLength: guid.length, maxLength: guid.length }), fc.boolean()).map(([upper, braces]) => {
    const body = [...guid].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join('');
    return braces ? `{${body}}` : body;
  });

describe('Dynamics systemuserid rules', () => {
  it('accepts the canonical form, upper case and braces; canonical is lower-case, 36 characters', () => {
    const id = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    for (const written of [id, id.toUpperCase(), `{${id}}`, `{${id.toUpperCase()}}`, '3F2504e0-4f89-11D3-9a0c-0305E82C3301']) {
      expect(dynamics.check(written)).toEqual({ ok: true, id });
    }
  });

  it.each([
    ['', 'empty'],
    ['3f2504e0-4f89-11d3-9a0c-0305e82c330', 'one digit short'],
    ['3f2504e0-4f89-11d3-9a0c-0305e82c33012', 'one digit too many'],
    ['3f2504e04f8911d39a0c0305e82c3301', 'no hyphens'],
    ['3f2504e0-4f89-11d3-9a0c-0305e82c330g', 'not hexadecimal'],
    ['{3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'an opening brace only'],
    ['3f2504e0-4f89-11d3-9a0c-0305e82c3301}', 'a closing brace only'],
    ['{{3f2504e0-4f89-11d3-9a0c-0305e82c3301}}', 'two pairs of braces'],
    [' 3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'a leading space'],
    ['(3f2504e0-4f89-11d3-9a0c-0305e82c3301)', 'parentheses'],
    ['3f2504e0-4f89-11d3-9a0c0305-e82c3301', 'hyphens in the wrong places'],
  ])('refuses %j (%s) as crm-id-format with a hint', (raw) => {
    const result = dynamics.check(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem.code).toBe('crm-id-format');
      expect(result.problem.message).toContain('is not a Dynamics systemuserid');
      expect(result.problem.hint).toBeTruthy();
    }
  });

  it('names the crm setting for a Salesforce User ID, in either of its forms', () => {
    for (const raw of ['0055e000001AbCd', to18('0055e000001AbCd')]) {
      const result = dynamics.check(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.problem.code).toBe('crm-id-format');
        expect(result.problem.message).toContain('looks like a Salesforce User ID');
        expect(result.problem.hint).toContain('"crm: salesforce" in mapsync.config.yaml');
      }
    }
  });

  it('property: every written form normalises to the canonical GUID, and canonical is a fixed point', () => {
    fc.assert(
      fc.property(canonicalGuid.chain((guid) => fc.tuple(fc.constant(guid), writtenForm(guid))), ([guid, written]) => {
        const result = dynamics.check(written);
        expect(result).toEqual({ ok: true, id: guid });
        if (result.ok) {
          expect(result.id).toHaveLength(36);
          expect(dynamics.check(result.id)).toEqual({ ok: true, id: result.id });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: two written forms are the same user exactly when their GUIDs are equal', () => {
    fc.assert(
      fc.property(
        fc.tuple(canonicalGuid, canonicalGuid, fc.boolean()).chain(([a, b, same]) => fc.tuple(writtenForm(a), writtenForm(same ? a : b))),
        ([first, second]) => {
          const a = dynamics.check(first);
          const b = dynamics.check(second);
          expect(a.ok && b.ok).toBe(true);
          if (a.ok && b.ok) {
            const sameGuid = first.replace(/[{}]/g, '').toLowerCase() === second.replace(/[{}]/g, '').toLowerCase();
            expect(a.id === b.id).toBe(sameGuid);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: the same GUID in several forms is one user for uniqueness (one duplicate per extra form)', () => {
    fc.assert(
      fc.property(canonicalGuid.chain((guid) => fc.tuple(fc.constant(guid), fc.array(writtenForm(guid), { minLength: 2, maxLength: 5 }))), ([guid, forms]) => {
        const check = new UniquenessCheck(dynamics);
        forms.forEach((written, i) => {
          const result = dynamics.check(written);
          const at = { file: 'mappings/a.yaml', line: i + 2, column: 16 };
          check.add({ crmUserId: result.ok ? result.id : undefined, crmWritten: written, crmAt: at, outreachUserId: i + 1, outreachAt: at });
        });
        const errors = check.errors();
        expect(errors).toHaveLength(forms.length - 1);
        for (const error of errors) {
          expect(error.code).toBe('duplicate-crm-id');
          expect(error.message).toContain(`crmUserId ${guid} is mapped ${forms.length} times`);
          expect(error.hint).toContain('a Dynamics 365 user can be mapped to one Outreach user only');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('property: nothing but a GUID is accepted (random text and near misses never pass unless they are one)', () => {
    const nearMiss = fc.stringMatching(/^\{?[0-9a-fA-Fg-]{30,40}\}?$/);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), nearMiss), (raw) => {
        const result = dynamics.check(raw);
        const isGuid = /^\{?[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}?$/.test(raw) && raw.startsWith('{') === raw.endsWith('}');
        expect(result.ok).toBe(isGuid);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('Salesforce rules behind the interface', () => {
  it('is the default and keeps the Salesforce checks and their hints', () => {
    expect(DEFAULT_CRM_RULES.name).toBe('salesforce');
    const id18 = to18('0055e000001AbCd');
    expect(salesforce.check('0055e000001AbCd')).toEqual({ ok: true, id: id18 });
    const prefix = salesforce.check('0016g000009ZzYq');
    expect(prefix.ok === false && prefix.problem.code).toBe('crm-id-prefix');
    expect(prefix.ok === false && prefix.problem.hint).toMatch(/starts with 005/);
    const mangled = salesforce.check(id18.toLowerCase());
    expect(mangled.ok === false && mangled.problem.hint).toBe(`replace it with ${id18}`);
  });

  it('names the crm setting for a GUID, with or without braces', () => {
    for (const raw of ['3f2504e0-4f89-11d3-9a0c-0305e82c3301', '{3F2504E0-4F89-11D3-9A0C-0305E82C3301}']) {
      const result = salesforce.check(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.problem.message).toContain('looks like a Dynamics systemuserid');
        expect(result.problem.hint).toContain('"crm: dynamics" in mapsync.config.yaml');
      }
    }
  });

  it('a Salesforce-shaped ID with a wrong checksum keeps its Salesforce message (not the setting hint)', () => {
    const result = salesforce.check('0055e000001AbCdXXX');
    expect(result.ok === false && result.problem.code).toBe('crm-id-checksum');
  });
});
