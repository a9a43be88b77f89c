// A change as columns of plain text (symbol, label, the pair, who, where), drawn from the plan
// view. The terminal renderer lays these out; the wording differs between plan and drift.
import { namesDiffer } from '../names.js';
import { oneLine } from './describe.js';
import type { ChangeView, Mode } from './view.js';

export interface ChangeRow {
  symbol: '-' | '+' | '~';
  label: string;
  pair: string;
  who: string;
  where: string;
}

const LABELS: Record<Mode, Record<ChangeView['kind'], string>> = {
  plan: { remove: 'remove', add: 'add', replace: 'replace' },
  drift: { remove: 'live only', add: 'missing', replace: 'differs' },
};
const SYMBOLS = { remove: '-', add: '+', replace: '~' } as const;

const clean = (name: string | undefined) => (name ? oneLine(name) : undefined);

/** "Ada => Bob" for the side of a replace that changes hands, else the one name known. */
function sideName(before: string | undefined, after: string | undefined): string | undefined {
  if (before && after && namesDiffer(before, after)) return `${before} => ${after}`;
  return after ?? before;
}

/** "Ada Lovelace", or "Bob Ng / Robert Ng" when the CRM and Outreach names differ. */
function bothNames(crm: string | undefined, outreach: string | undefined): string {
  if (crm && outreach && namesDiffer(crm, outreach)) return `${crm} / ${outreach}`;
  return crm ?? outreach ?? '';
}

export function whoOf(c: ChangeView): string {
  let crm = clean(c.crm.name);
  let outreach = clean(c.outreach.name);
  if (c.before?.side === 'crm') crm = sideName(clean(c.before.user.name), crm);
  if (c.before?.side === 'outreach') outreach = sideName(clean(c.before.user.name), outreach);
  const names = bothNames(crm, outreach);
  const claim = clean(c.claim);
  if (!claim) return names;
  // With no directory name, the YAML's is the only one there is; otherwise it is shown as the claim.
  return names ? `${names} (YAML: ${claim})` : claim;
}

export function pairOf(c: ChangeView): string {
  const crm = c.before?.side === 'crm' ? `${c.before.user.id} => ${c.crm.id}` : c.crm.id;
  const outreach = c.before?.side === 'outreach' ? `${c.before.user.id} => ${c.outreach.id}` : c.outreach.id;
  return `${crm} <-> ${outreach}`;
}

export function rowOf(c: ChangeView, mode: Mode): ChangeRow {
  return {
    symbol: SYMBOLS[c.kind],
    label: LABELS[mode][c.kind],
    pair: pairOf(c),
    who: whoOf(c),
    where: c.source ? `${c.source.file}:${c.source.line}` : '',
  };
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
