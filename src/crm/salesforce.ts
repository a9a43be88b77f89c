// Salesforce User IDs as CrmIdRules. The checks themselves (format, 005 prefix, checksum, case
// repair) stay in src/crm/salesforceId.ts; this file only gives them the shared shape and hints.
import { checkUserId, USER_ID_PREFIX } from './salesforceId.js';
import type { CrmIdCheck, CrmIdProblem, CrmIdRules } from './rules.js';

// 15 or 18 letters and digits, some of them digits: what any Salesforce record ID looks like,
// right or wrong in detail.
const SALESFORCE_SHAPE = /^(?=[A-Za-z]*[0-9])[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

function hintFor(problem: CrmIdProblem): string | undefined {
  if (problem.suggestion) return `replace it with ${problem.suggestion}`;
  if (problem.code === 'crm-id-prefix') return `use the ID of the User record (Setup → Users → the user; the ID in the address starts with ${USER_ID_PREFIX})`;
  if (problem.code === 'crm-id-format') return 'copy the 15- or 18-character ID from Salesforce (letters and digits only)';
  return undefined;
}

export const salesforceIdRules: CrmIdRules = {
  name: 'salesforce',
  product: 'Salesforce',
  idName: 'Salesforce User ID',
  canonicalForm: '18-character Salesforce User ID',
  idExample: `the Salesforce User ID (${USER_ID_PREFIX}…, 15 or 18 characters)`,

  recognise: (raw) => SALESFORCE_SHAPE.test(raw),

  check(raw: string): CrmIdCheck {
    const result = checkUserId(raw);
    if (result.ok) return { ok: true, id: result.id };
    const problem: CrmIdProblem = { code: result.problem.code, message: result.problem.message };
    if ('suggestion' in result.problem && result.problem.suggestion) problem.suggestion = result.problem.suggestion;
    const hint = hintFor(problem);
    return { ok: false, problem: hint === undefined ? problem : { ...problem, hint } };
  },

  sameUserNote(written) {
    return new Set(written.map((w) => w.length)).size > 1 ? 'its 15- and 18-character forms are the same user' : undefined;
  },
};
