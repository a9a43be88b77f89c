// What every body says about a plan made against a read-only store (the CRM plugin's own list,
// CONTRACT §12): how fresh the list was and the notes, each said once (the verdict of each body
// says that only the plugin screen changes the list). Plain text; the Markdown renderer escapes it like any other sentence.
import type { Plan } from '../../model.js';

/** "2026-11-30 08:15 UTC": the one way bodies write a moment, whatever the machine's time zone. */
export function utcMinute(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}-${two(t.getUTCMonth() + 1)}-${two(t.getUTCDate())} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())} UTC`;
}

/** "plugin list as of 2026-11-30 08:15 UTC": always UTC, whatever the machine's time zone. */
export function asOfPhrase(asOf: string): string {
  return `plugin list as of ${utcMinute(asOf)}`;
}

/** The freshness line, when the store said how fresh its list is. */
export function freshnessLine(plan: Plan): string | undefined {
  return plan.asOf === undefined ? undefined : `Freshness: ${asOfPhrase(plan.asOf)}.`;
}

/** The one-line facts a read-only plan leads with: freshness, then the notes. */
export function leadingFacts(plan: Plan): string[] {
  const lines: string[] = [];
  const fresh = freshnessLine(plan);
  if (fresh) lines.push(fresh);
  for (const note of plan.notes ?? []) lines.push(`Note: ${note.message}.`);
  return lines;
}
