// A store can hold what mappings/ forbids: one CRM user mapped to two Outreach users (the
// Outreach store keeps the CRM ID on each Outreach user), one Outreach user mapped from two CRM
// users (the CRM stores keep the Outreach id on each CRM user), or a pair twice. The diff
// still converges — every pair not in mappings/ is removed — but the admin should know why.
import type { CrmUserId, LiveMapping, OutreachUserId, Warning } from '../model.js';
import { comparePairs, pairKey } from './order.js';

/**
 * readOnly: the live mappings are the CRM plugin's own list, which mapsync never writes: the
 * warnings name that list and say the clicks remove the extra mappings, not that mapsync does.
 */
export function findLiveDuplicates(mappings: readonly LiveMapping[], options: { readOnly?: boolean } = {}): Warning[] {
  const where = options.readOnly ? "the plugin's list" : 'the live store';
  const removed = options.readOnly ? 'the clicks below remove those not in mappings/' : 'those not in mappings/ are removed';
  // Sorted copies of the list (references only) put every user's mappings side by side: at
  // 100,000 mappings, two arrays cost far less than a Map per side, and duplicates are rare.
  const byCrm = [...mappings].sort(comparePairs);
  const outreachIdsOf = new Map<CrmUserId, OutreachUserId[]>();
  const repeated = new Map<string, LiveMapping>();
  for (let start = 0; start < byCrm.length;) {
    let end = start + 1;
    while (end < byCrm.length && byCrm[end]!.crmUserId === byCrm[start]!.crmUserId) end++;
    if (end - start > 1) {
      // One CRM user's mappings, by Outreach id: equal neighbours are a pair held twice.
      const ids: OutreachUserId[] = [];
      for (let i = start; i < end; i++) {
        const m = byCrm[i]!;
        if (i > start && byCrm[i - 1]!.outreachUserId === m.outreachUserId) repeated.set(pairKey(m), m);
        else ids.push(m.outreachUserId);
      }
      if (ids.length > 1) outreachIdsOf.set(byCrm[start]!.crmUserId, ids);
    }
    start = end;
  }
  byCrm.length = 0;

  const byOutreach = [...mappings].sort((a, b) => a.outreachUserId - b.outreachUserId || compareText(a.crmUserId, b.crmUserId));
  const crmIdsOf = new Map<OutreachUserId, CrmUserId[]>();
  for (let start = 0; start < byOutreach.length;) {
    let end = start + 1;
    while (end < byOutreach.length && byOutreach[end]!.outreachUserId === byOutreach[start]!.outreachUserId) end++;
    if (end - start > 1) {
      const ids: CrmUserId[] = [];
      for (let i = start; i < end; i++) {
        const id = byOutreach[i]!.crmUserId;
        if (i === start || byOutreach[i - 1]!.crmUserId !== id) ids.push(id);
      }
      if (ids.length > 1) crmIdsOf.set(byOutreach[start]!.outreachUserId, ids);
    }
    start = end;
  }
  if (outreachIdsOf.size === 0 && crmIdsOf.size === 0 && repeated.size === 0) return [];

  const warnings: Warning[] = [];
  for (const [crmUserId, ids] of outreachIdsOf) {
    ids.sort((a, b) => a - b);
    warnings.push({
      code: 'live-duplicate',
      message: `${where} maps CRM user ${crmUserId} to ${ids.length} Outreach users (${ids.join(', ')}); ${removed}`,
      crmUserId,
      outreachUserId: ids[0],
    });
  }
  for (const [outreachUserId, ids] of crmIdsOf) {
    ids.sort();
    warnings.push({
      code: 'live-duplicate',
      message: `${where} maps Outreach user ${outreachUserId} from ${ids.length} CRM users (${ids.join(', ')}); ${removed}`,
      crmUserId: ids[0],
      outreachUserId,
    });
  }
  for (const m of repeated.values()) {
    warnings.push({
      code: 'live-duplicate',
      message: `${where} holds the mapping ${m.crmUserId} <-> ${m.outreachUserId} more than once`,
      crmUserId: m.crmUserId,
      outreachUserId: m.outreachUserId,
    });
  }
  return warnings.sort((a, b) => comparePairs(a as Required<Warning>, b as Required<Warning>) || compareText(a.message, b.message));
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
