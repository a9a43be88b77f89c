// Turns plan changes into field writes: one PATCH per Outreach user. A remove and an add on the
// same user (a re-pointed seat) become a single write of the new value.
import type { Change, OutreachUserId } from '../model.js';

export interface FieldWrite {
  outreachUserId: OutreachUserId;
  /** The CRM ID to store, or null to clear the field. */
  value: string | null;
  /** Positions in the change list this write settles. */
  changeIndexes: number[];
}

export function planWrites(changes: readonly Change[]): FieldWrite[] {
  const byUser = new Map<OutreachUserId, FieldWrite>();
  const writes: FieldWrite[] = [];
  changes.forEach((change, index) => {
    const existing = byUser.get(change.outreachUserId);
    if (change.action === 'remove') {
      if (existing) existing.changeIndexes.push(index);
      else {
        const write: FieldWrite = { outreachUserId: change.outreachUserId, value: null, changeIndexes: [index] };
        byUser.set(change.outreachUserId, write);
        writes.push(write);
      }
      return;
    }
    if (existing && existing.value === null) {
      existing.value = change.crmUserId;
      existing.changeIndexes.push(index);
      return;
    }
    // A second add to the same user cannot come from a valid plan; keep it separate and in order.
    const write: FieldWrite = { outreachUserId: change.outreachUserId, value: change.crmUserId, changeIndexes: [index] };
    if (!existing) byUser.set(change.outreachUserId, write);
    writes.push(write);
  });
  return writes;
}
