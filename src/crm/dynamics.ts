// Dynamics 365 (Dataverse) user IDs as CrmIdRules: a systemuserid is a GUID. Upper case and one
// pair of {braces} (how Dynamics shows IDs in addresses and exports) are accepted; the canonical
// form is the 36-character lower-case one, which is what every store and plan holds.
import type { CrmIdCheck, CrmIdRules } from './rules.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Hex digits and hyphens in GUID-like groups, braces optional on either side: meant as a GUID.
const GUID_SHAPE = /^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$/;
const EXAMPLE = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

/** The canonical form of a systemuserid as written, or undefined when it is not one. */
export function canonicalGuid(raw: string): string | undefined {
  const bare = raw.startsWith('{') && raw.endsWith('}') ? raw.slice(1, -1) : raw;
  const lower = bare.toLowerCase();
  return GUID.test(lower) ? lower : undefined;
}

export const dynamicsIdRules: CrmIdRules = {
  name: 'dynamics',
  product: 'Dynamics 365',
  idName: 'Dynamics systemuserid',
  canonicalForm: 'lower-case 36-character Dynamics systemuserid',
  idExample: `the user's systemuserid (a GUID such as ${EXAMPLE})`,

  recognise: (raw) => GUID_SHAPE.test(raw),

  check(raw: string): CrmIdCheck {
    const id = canonicalGuid(raw);
    if (id !== undefined) return { ok: true, id };
    return {
      ok: false,
      problem: {
        code: 'crm-id-format',
        message: `"${raw}" is not a Dynamics systemuserid: expected a GUID of 32 hexadecimal digits grouped 8-4-4-4-12, such as ${EXAMPLE}`,
        hint: 'copy the systemuserid from Dynamics 365 (the id=… in the address of the user\'s record, or the systemusers table in Power Apps)',
      },
    };
  },

  sameUserNote(written) {
    return new Set(written).size > 1 ? 'upper and lower case and {braces} are the same systemuserid' : undefined;
  },
};
