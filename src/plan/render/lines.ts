// A change group as columns of plain text (symbol, label, the pair, who, where). Text and
// Markdown renderers lay these out; the wording differs between plan and drift.
import { namesDiffer } from '../names.js';
import type { ChangeGroup } from './changeGroups.js';
import { addName, addSource, pairText, removeNames } from './describe.js';

export type Mode = 'plan' | 'drift';

export interface ChangeRow {
  symbol: '-' | '+' | '~';
  label: string;
  pair: string;
  who: string;
  where: string;
}

const LABELS: Record<Mode, Record<ChangeGroup['kind'], string>> = {
  plan: { remove: 'remove', add: 'add', replace: 'replace' },
  drift: { remove: 'live only', add: 'missing', replace: 'differs' },
};

export function rowOf(group: ChangeGroup, mode: Mode): ChangeRow {
  const label = LABELS[mode][group.kind];
  switch (group.kind) {
    case 'remove':
      return { symbol: '-', label, pair: pairText(group.remove.crmUserId, group.remove.outreachUserId), who: removeNames(group.remove), where: '' };
    case 'add':
      return { symbol: '+', label, pair: pairText(group.add.crmUserId, group.add.outreachUserId), who: addName(group.add), where: addSource(group.add) };
    case 'replace': {
      const { remove, add } = group;
      const pair = group.same === 'crm'
        ? pairText(add.crmUserId, `${remove.outreachUserId} => ${add.outreachUserId}`)
        : pairText(`${remove.crmUserId} => ${add.crmUserId}`, add.outreachUserId);
      const before = removeNames(remove);
      const after = addName(add);
      const who = before && after && namesDiffer(before, after) ? `${before} => ${after}` : after || before;
      return { symbol: '~', label, pair, who, where: addSource(add) };
    }
  }
}

/** Rows padded into aligned columns (without colour), one string per column. */
export function alignRows(rows: readonly ChangeRow[]): { head: string; pair: string; who: string; where: string; rest: string }[] {
  // A loop, not Math.max(...spread): a plan can hold 100,000 rows.
  let labelWidth = 0;
  let pairWidth = 0;
  for (const r of rows) {
    labelWidth = Math.max(labelWidth, r.label.length);
    pairWidth = Math.max(pairWidth, r.pair.length);
  }
  return rows.map((r) => {
    const where = r.where ? `(${r.where})` : '';
    const rest = [r.who, where].filter(Boolean).join('  ');
    return {
      head: `${r.symbol} ${r.label.padEnd(labelWidth)}`,
      pair: rest ? r.pair.padEnd(pairWidth) : r.pair,
      who: r.who,
      where,
      rest,
    };
  });
}
