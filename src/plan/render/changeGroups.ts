// For reading, not for applying: a CRM user re-pointed to another Outreach seat (or a seat handed
// to another CRM user) is a remove plus an add in the plan, but one "replace" to a person.
import type { AddChange, Change, RemoveChange } from '../../model.js';
import { comparePairs } from '../order.js';

export type ChangeGroup =
  | { kind: 'remove'; remove: RemoveChange }
  | { kind: 'add'; add: AddChange }
  /** `same` says which side stayed: the CRM user (new seat) or the Outreach seat (new CRM user). */
  | { kind: 'replace'; remove: RemoveChange; add: AddChange; same: 'crm' | 'outreach' };

/** The changes in display order (by CRM user ID, then Outreach user id), re-pointed pairs joined. */
export function groupChanges(changes: readonly Change[]): ChangeGroup[] {
  return pairChanges(changes).sort((a, b) => comparePairs(anchor(a), anchor(b)));
}

/** How many remove + add pairs read as one replace (`summary.replace`); the same pairing as the bodies show. */
export function countReplaces(changes: readonly Change[]): number {
  let n = 0;
  for (const g of pairChanges(changes)) if (g.kind === 'replace') n++;
  return n;
}

/**
 * The one pairing rule: each remove takes the first unpaired add of the same CRM user, else of
 * the same Outreach user. Every change lands in exactly one group.
 */
function pairChanges(changes: readonly Change[]): ChangeGroup[] {
  const addsByCrm = new Map<string, AddChange[]>();
  const addsByOutreach = new Map<number, AddChange[]>();
  const removes: RemoveChange[] = [];
  for (const c of changes) {
    if (c.action === 'remove') { removes.push(c); continue; }
    listFor(addsByCrm, c.crmUserId).push(c);
    listFor(addsByOutreach, c.outreachUserId).push(c);
  }
  const paired = new Set<AddChange>();
  const groups: ChangeGroup[] = [];
  const unpaired = (list: AddChange[] | undefined) => list?.find((a) => !paired.has(a));
  for (const remove of removes) {
    const sameCrm = unpaired(addsByCrm.get(remove.crmUserId));
    const add = sameCrm ?? unpaired(addsByOutreach.get(remove.outreachUserId));
    if (!add) { groups.push({ kind: 'remove', remove }); continue; }
    paired.add(add);
    groups.push({ kind: 'replace', remove, add, same: sameCrm ? 'crm' : 'outreach' });
  }
  for (const c of changes) if (c.action === 'add' && !paired.has(c)) groups.push({ kind: 'add', add: c });
  return groups;
}

function anchor(group: ChangeGroup): Change {
  return group.kind === 'add' ? group.add : group.remove;
}

function listFor<K>(map: Map<K, AddChange[]>, key: K): AddChange[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
