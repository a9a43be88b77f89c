// Applies changes to the document in memory with the real stores' rules: a user who is still
// mapped cannot be mapped again (the add fails, nothing is overwritten), and removing a pair
// that is not there fails instead of pretending.
import type { Change, ChangeResult } from '../../model.js';
import type { StoreDocument, StoredMapping } from './document.js';

export interface NameLookup {
  crm(id: string): string | undefined;
  outreach(id: number): string | undefined;
}

/** `mapUsersTwice` (restore): an add may map a user who is already mapped; see ApplyHooks. */
export function applyChangesInMemory(doc: StoreDocument, changes: readonly Change[], names: NameLookup, options: { mapUsersTwice?: boolean } = {}): ChangeResult[] {
  const live: (StoredMapping | undefined)[] = [...doc.mappings];
  const byCrm = new Map<string, Set<number>>();
  const byOutreach = new Map<number, Set<number>>();
  const index = (i: number, m: StoredMapping) => {
    (byCrm.get(m.crmUserId) ?? byCrm.set(m.crmUserId, new Set()).get(m.crmUserId)!).add(i);
    (byOutreach.get(m.outreachUserId) ?? byOutreach.set(m.outreachUserId, new Set()).get(m.outreachUserId)!).add(i);
  };
  live.forEach((m, i) => m && index(i, m));
  const first = (set: Set<number> | undefined): StoredMapping | undefined => {
    for (const i of set ?? []) return live[i];
    return undefined;
  };

  const results = changes.map((change): ChangeResult => {
    if (change.action === 'remove') {
      // A pair is one mapping however often the file repeats it: removing it removes every copy,
      // so a store with a duplicated pair converges in one apply.
      let removed = 0;
      for (const i of [...(byCrm.get(change.crmUserId) ?? [])]) {
        if (live[i]?.outreachUserId !== change.outreachUserId) continue;
        live[i] = undefined;
        byCrm.get(change.crmUserId)!.delete(i);
        byOutreach.get(change.outreachUserId)!.delete(i);
        removed++;
      }
      if (removed > 0) return { change, ok: true };
      return { change, ok: false, error: `CRM user ${change.crmUserId} is not mapped to Outreach user ${change.outreachUserId} (nothing to remove)` };
    }
    const crmHolder = options.mapUsersTwice ? undefined : first(byCrm.get(change.crmUserId));
    if (crmHolder) {
      return { change, ok: false, error: `CRM user ${change.crmUserId} is already mapped to Outreach user ${crmHolder.outreachUserId}` };
    }
    const outreachHolder = options.mapUsersTwice ? undefined : first(byOutreach.get(change.outreachUserId));
    if (outreachHolder) {
      return { change, ok: false, error: `Outreach user ${change.outreachUserId} is already mapped to CRM user ${outreachHolder.crmUserId}` };
    }
    const added: StoredMapping = {
      crmUserId: change.crmUserId,
      outreachUserId: change.outreachUserId,
      crmUserName: names.crm(change.crmUserId) ?? change.name,
      outreachUserName: names.outreach(change.outreachUserId) ?? change.name,
    };
    live.push(added);
    index(live.length - 1, added);
    return { change, ok: true };
  });

  doc.mappings = live.filter((m): m is StoredMapping => m !== undefined);
  return results;
}
