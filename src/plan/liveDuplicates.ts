// A store can hold what mappings/ forbids: one CRM user mapped to two Outreach users (the
// Outreach store keeps the CRM ID on each Outreach user), one Outreach user mapped from two CRM
// users (the CRM stores keep the Outreach id on each CRM user), or a pair twice. The diff
// still converges — every pair not in mappings/ is removed — but the admin should know why.
import type { CrmUserId, LiveMapping, OutreachUserId, Warning } from '../model.js';
import { comparePairs, pairKey } from './order.js';

export function findLiveDuplicates(mappings: readonly LiveMapping[]): Warning[] {
  // First pass: one number or ID per user and no strings built, since duplicates are rare.
  const firstOutreachOf = new Map<CrmUserId, OutreachUserId>();
  const firstCrmOf = new Map<OutreachUserId, CrmUserId>();
  const crmDuplicated = new Set<CrmUserId>();
  const outreachDuplicated = new Set<OutreachUserId>();
  let anyRepeat = false;
  for (const m of mappings) {
    const outreach = firstOutreachOf.get(m.crmUserId);
    if (outreach === undefined) firstOutreachOf.set(m.crmUserId, m.outreachUserId);
    else if (outreach === m.outreachUserId) anyRepeat = true;
    else crmDuplicated.add(m.crmUserId);
    const crm = firstCrmOf.get(m.outreachUserId);
    if (crm === undefined) firstCrmOf.set(m.outreachUserId, m.crmUserId);
    else if (crm !== m.crmUserId) outreachDuplicated.add(m.outreachUserId);
  }
  if (!anyRepeat && crmDuplicated.size === 0 && outreachDuplicated.size === 0) return [];

  // Second pass, only over the users involved: list each one's distinct partners.
  const outreachIdsOf = new Map<CrmUserId, OutreachUserId[]>();
  const crmIdsOf = new Map<OutreachUserId, CrmUserId[]>();
  const seen = new Set<string>();
  const repeated = new Map<string, LiveMapping>();
  for (const m of mappings) {
    const involved = anyRepeat || crmDuplicated.has(m.crmUserId) || outreachDuplicated.has(m.outreachUserId);
    if (!involved) continue;
    const key = pairKey(m);
    if (seen.has(key)) { repeated.set(key, m); continue; }
    seen.add(key);
    if (crmDuplicated.has(m.crmUserId)) push(outreachIdsOf, m.crmUserId, m.outreachUserId);
    if (outreachDuplicated.has(m.outreachUserId)) push(crmIdsOf, m.outreachUserId, m.crmUserId);
  }

  const warnings: Warning[] = [];
  for (const [crmUserId, ids] of outreachIdsOf) {
    ids.sort((a, b) => a - b);
    warnings.push({
      code: 'live-duplicate',
      message: `the live store maps CRM user ${crmUserId} to ${ids.length} Outreach users (${ids.join(', ')}); those not in mappings/ are removed`,
      crmUserId,
      outreachUserId: ids[0],
    });
  }
  for (const [outreachUserId, ids] of crmIdsOf) {
    ids.sort();
    warnings.push({
      code: 'live-duplicate',
      message: `the live store maps Outreach user ${outreachUserId} from ${ids.length} CRM users (${ids.join(', ')}); those not in mappings/ are removed`,
      crmUserId: ids[0],
      outreachUserId,
    });
  }
  for (const m of repeated.values()) {
    warnings.push({
      code: 'live-duplicate',
      message: `the live store holds the mapping ${m.crmUserId} <-> ${m.outreachUserId} more than once`,
      crmUserId: m.crmUserId,
      outreachUserId: m.outreachUserId,
    });
  }
  return warnings.sort((a, b) => comparePairs(a as Required<Warning>, b as Required<Warning>) || compareText(a.message, b.message));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
