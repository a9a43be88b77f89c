// The plain-text pieces every renderer shares: one-line data, the one number format and the
// headline counts (a replace is counted once, not again as an add and a remove).
import type { Plan } from '../../model.js';
import { count } from '../../markdown/escape.js';
import { countReplaces } from './changeGroups.js';

export { oneLine } from '../../oneLine.js';

/** The one number format, in every body: 20,000. */
export { count };

const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

export interface Headline {
  /** Adds and removes that are not part of a replace. */
  add: number;
  remove: number;
  replace: number;
  unchanged: number;
}

/** The counts a reviewer reads: "2 to add, 2 to remove, 1 to replace" for 3 + 3 changes with one re-pointed pair. */
export function headlineOf(plan: Plan): Headline {
  const replace = plan.summary.replace ?? countReplaces(plan.changes);
  return { add: plan.summary.add - replace, remove: plan.summary.remove - replace, replace, unchanged: plan.summary.unchanged };
}

/** "2 to add, 2 to remove, 1 to replace"; replaces only when there are some. */
export function countsPhrase(plan: Plan): string {
  const h = headlineOf(plan);
  return `${count(h.add)} to add, ${count(h.remove)} to remove${h.replace > 0 ? `, ${count(h.replace)} to replace` : ''}`;
}

/** The clicks in the plugin screen a read-only store's plan is: one per removal, one per addition (a replace is two). */
export function clicksOf(plan: Plan): number {
  return plan.summary.remove + plan.summary.add;
}

/**
 * What a headline counts: the changes; on a read-only store (the plugin's own list) the clicks
 * first, since that is the work the body lists — "7 clicks in the plugin screen (1 to add, 2 to
 * remove, 2 to replace)".
 */
export function headlinePhrase(plan: Plan): string {
  if (!plan.readOnly) return countsPhrase(plan);
  return `${plural(clicksOf(plan), 'click', 'clicks')} in the plugin screen (${countsPhrase(plan)})`;
}

/** Terraform-style closing line. */
export function countsLine(plan: Plan): string {
  const h = headlineOf(plan);
  if (!hasChanges(plan)) return `No changes. ${plan.readOnly ? "The plugin's list matches" : 'Live mappings match'} mappings/ (${plural(h.unchanged, 'mapping', 'mappings')}).`;
  return `Plan: ${headlinePhrase(plan)}, ${count(h.unchanged)} unchanged.`;
}

/** The same counts, phrased as drift for scheduled checks; a read-only store's list is "the plugin's list", not "live". */
export function driftCountsLine(plan: Plan): string {
  const h = headlineOf(plan);
  if (!hasChanges(plan)) return `No drift. ${plan.readOnly ? "The plugin's list matches" : 'Live mappings match'} mappings/ (${plural(h.unchanged, 'mapping', 'mappings')}).`;
  const differs = h.replace > 0 ? `${plural(h.replace, 'mapping differs', 'mappings differ')} (same user, other partner), ` : '';
  const missing = plan.readOnly ? "missing from the plugin's list" : 'missing from live';
  const extra = plan.readOnly
    ? `${plural(h.remove, 'mapping', 'mappings')} in the plugin's list not in mappings/`
    : `${plural(h.remove, 'live mapping', 'live mappings')} not in mappings/`;
  return `Drift: ${plural(h.add, 'mapping', 'mappings')} in mappings/ ${missing}, ${extra}, ${differs}${count(h.unchanged)} in sync.`;
}

export function hasChanges(plan: Plan): boolean {
  return plan.summary.add > 0 || plan.summary.remove > 0;
}

export function hasErrors(plan: Plan): boolean {
  return (plan.errors?.length ?? 0) > 0;
}
