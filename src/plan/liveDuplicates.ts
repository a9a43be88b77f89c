// A store can hold what mappings/ forbids: one CRM user mapped to two Outreach users (the
// Outreach store keeps the CRM ID on each Outreach user), one Outreach user mapped from two CRM
// users (the Salesforce store keeps the Outreach id on each CRM user), or a pair twice. The diff
// still converges — every pair not in mappings/ is removed — but the admin should know why.
import type { LiveMapping, Warning } from '../model.js';
import { comparePairs, pairKey } from './order.js';

export function findLiveDuplicates(mappings: readonly LiveMapping[]): Warning[] {
  // First pass with counters only: duplicates are rare, so lists are built for them alone.
  const seenPairs = new Set<string>();
  const repeatedPairs = new Map<string, LiveMapping>();
  const firstOutreachOf = new Map<string, number>();
  const firstCrmOf = new Map<number, string>();
  const crmDuplicated = new Set<string>();
  const outreachDuplicated = new Set<number>();
  for (const m of mappings) {
    const key = pairKey(m);
    if (seenPairs.has(key)) {
      repeatedPairs.set(key, m);
      continue;
    }
    seenPairs.add(key);
    if (firstOutreachOf.has(m.crmUserId)) crmDuplicated.add(m.crmUserId);
    else firstOutreachOf.set(m.crmUserId, m.outreachUserId);
    if (firstCrmOf.has(m.outreachUserId)) outreachDuplicated.add(m.outreachUserId);
    else firstCrmOf.set(m.outreachUserId, m.crmUserId);
  }
  const warnings: Warning[] = [];
  if (crmDuplicated.size > 0 || outreachDuplicated.size > 0) {
    const outreachIdsOf = new Map<string, number[]>();
    const crmIdsOf = new Map<number, string[]>();
    const listed = new Set<string>();
    for (const m of mappings) {
      const key = pairKey(m);
      if (listed.has(key)) continue;
      listed.add(key);
      if (crmDuplicated.has(m.crmUserId)) push(outreachIdsOf, m.crmUserId, m.outreachUserId);
      if (outreachDuplicated.has(m.outreachUserId)) push(crmIdsOf, m.outreachUserId, m.crmUserId);
    }
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
  }
  for (const m of repeatedPairs.values()) {
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
