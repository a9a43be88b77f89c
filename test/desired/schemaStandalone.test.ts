// The build compiles the mapping-file schema with ajv's standalone code (scripts/compileSchema.mjs
// → dist/desired/mappingFileValidator.js) instead of compiling it at every start. This proves that
// code is what dist/ holds and that it judges every document exactly as ajv compiling the schema at
// run time does (src/desired/mappingFileValidator.js, the fallback): the same verdict and the same
// error objects (keyword, instancePath, params, message, data…), so no message or position changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as built from '../../dist/desired/mappingFileValidator.js';
import * as compiledNow from '../../src/desired/mappingFileValidator.js';

const text = fc.oneof(
  fc.string(),
  fc.constantFrom('', ' ', 'ada@example.com', 'not an email', 'a@b', '\u{1F600}', '\uD800', '0055e000001AbCdAAK', '005000000000000', '{3F2504E0-4F89-11D3-9A0C-0305E82C3301}', '3F2504E0-4F89-11D3-9A0C-0305E82C3301'),
);
const value = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }));
const entry = fc.oneof(
  { weight: 4, arbitrary: fc.record(
    { crmUserId: fc.oneof(text, value), outreachUserId: fc.oneof(fc.integer({ min: -2, max: 2 ** 40 }), value), name: fc.oneof(text, value), email: fc.oneof(text, value), note: fc.oneof(text, value), notes: value, crmUserID: text },
    { requiredKeys: [] },
  ) },
  { weight: 1, arbitrary: value },
);
const document = fc.oneof(
  { weight: 6, arbitrary: fc.record({ mappings: fc.oneof({ weight: 5, arbitrary: fc.array(entry, { maxLength: 4 }) }, { weight: 1, arbitrary: value }), mapping: value }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: value },
);

describe('the schema validator compiled at build time', () => {
  it('is the standalone code in dist/ (written by npm run build; tsc never emits or overwrites it)', () => {
    expect(built.standalone).toBe(true);
    expect(compiledNow.standalone).toBe(false);
  });

  it('gives the same verdict and the same errors as compiling the schema at run time', () => {
    fc.assert(
      fc.property(document, (doc) => {
        const ok = built.validate(doc);
        const expected = compiledNow.validate(doc);
        expect(ok).toBe(expected);
        expect(built.validate.errors ?? null).toEqual(compiledNow.validate.errors ?? null);
      }),
      { numRuns: 3000 },
    );
  });

  it('reports the errors the messages are made from, on a file with one of each', () => {
    const doc = { mappings: [{ crmUserId: 'x', outreachUserId: 0, email: 'nope', name: '', extra: 1 }, 'text', { outreachUserId: 1.5 }], other: true };
    expect(built.validate(doc)).toBe(false);
    const kinds = (built.validate.errors ?? []).map((e) => `${e.keyword} ${e.instancePath}`).sort();
    expect(kinds).toEqual([
      'additionalProperties ',
      'additionalProperties /mappings/0',
      'format /mappings/0/email',
      'minLength /mappings/0/name',
      'minimum /mappings/0/outreachUserId',
      'pattern /mappings/0/crmUserId',
      'required /mappings/2',
      'type /mappings/1',
      'type /mappings/2/outreachUserId',
    ]);
  });
});
