// Chooses the CRM's ID rules, once, from the config's `crm:` setting. An ID that fails this CRM's
// rules but has the other CRM's shape gets a hint naming the setting: the likeliest mistake is
// not the ID but the project's `crm:`.
import { CONFIG_FILE } from '../configFile.js';
import { dynamicsIdRules } from './dynamics.js';
import type { CrmIdCheck, CrmIdRules, CrmName } from './rules.js';
import { salesforceIdRules } from './salesforce.js';

export type { CrmIdCheck, CrmIdProblem, CrmIdProblemCode, CrmIdRules, CrmName } from './rules.js';
export { CRM_NAMES } from './rules.js';

const BASE: Record<CrmName, CrmIdRules> = { salesforce: salesforceIdRules, dynamics: dynamicsIdRules };

function withSettingHint(own: CrmIdRules, others: readonly CrmIdRules[]): CrmIdRules {
  return {
    ...own,
    check(raw: string): CrmIdCheck {
      const result = own.check(raw);
      if (result.ok || own.recognise(raw)) return result;
      const other = others.find((rules) => rules.recognise(raw));
      if (other === undefined) return result;
      return {
        ok: false,
        problem: {
          code: 'crm-id-format',
          message: `"${raw}" looks like a ${other.idName}, but this project's CRM is ${own.product} (crm: ${own.name}), whose IDs are ${own.idName}s`,
          hint: `if your CRM is ${other.product}, set "crm: ${other.name}" in ${CONFIG_FILE}; otherwise write ${own.idExample}`,
        },
      };
    },
  };
}

const RULES: Record<CrmName, CrmIdRules> = {
  salesforce: withSettingHint(BASE.salesforce, [BASE.dynamics]),
  dynamics: withSettingHint(BASE.dynamics, [BASE.salesforce]),
};

/** The ID rules of the configured CRM (`config.crm`). */
export function crmIdRules(crm: CrmName): CrmIdRules {
  return RULES[crm];
}

/** What a project without a `crm:` setting uses. */
export const DEFAULT_CRM_RULES: CrmIdRules = RULES.salesforce;
