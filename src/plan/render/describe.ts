// The plain-text pieces every renderer shares: how a mapping, a change and the counts read.
import type { AddChange, Plan, RemoveChange } from '../../model.js';
import { namesDiffer } from '../names.js';

/** One line, no control characters: names come from outside and must not break a terminal or a code block. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
}

/** "Ada Lovelace", or "Bob Ng / Robert Ng" when the two systems disagree. */
export function removeNames(c: RemoveChange): string {
  const crm = c.crmUserName ? oneLine(c.crmUserName) : undefined;
  const outreach = c.outreachUserName ? oneLine(c.outreachUserName) : undefined;
  if (crm && outreach && namesDiffer(crm, outreach)) return `${crm} / ${outreach}`;
  return crm ?? outreach ?? '';
}

export function addName(c: AddChange): string {
  return c.name ? oneLine(c.name) : '';
}

export const pairText = (crmUserId: string, outreachUserId: number | string) => `${crmUserId} <-> ${outreachUserId}`;

export function addSource(c: AddChange): string {
  return `${c.file}:${c.line}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Terraform-style closing line. */
export function countsLine(plan: Plan): string {
  const { add, remove, unchanged } = plan.summary;
  if (add === 0 && remove === 0) return `No changes. Live mappings match mappings/ (${plural(unchanged, 'mapping', 'mappings')}).`;
  return `Plan: ${add} to add, ${remove} to remove, ${unchanged} unchanged.`;
}

/** The same counts, phrased as drift for scheduled checks. */
export function driftCountsLine(plan: Plan): string {
  const { add, remove, unchanged } = plan.summary;
  if (add === 0 && remove === 0) return `No drift. Live mappings match mappings/ (${plural(unchanged, 'mapping', 'mappings')}).`;
  return `Drift: ${plural(add, 'mapping', 'mappings')} in mappings/ missing from live, ${plural(remove, 'live mapping', 'live mappings')} not in mappings/, ${unchanged} in sync.`;
}

export function hasChanges(plan: Plan): boolean {
  return plan.summary.add > 0 || plan.summary.remove > 0;
}

export function hasErrors(plan: Plan): boolean {
  return (plan.errors?.length ?? 0) > 0;
}
