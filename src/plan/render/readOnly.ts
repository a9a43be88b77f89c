// What every body says about a plan made against a read-only store (the CRM plugin's own list,
// CONTRACT §12): how fresh the list was, the notes said once, and that only the plugin screen
// changes the list. Plain text; the Markdown renderer escapes it like any other sentence.
import type { Plan } from '../../model.js';

/** "plugin list as of 2026-11-30 08:15 UTC": always UTC, whatever the machine's time zone. */
export function asOfPhrase(asOf: string): string {
  const t = new Date(asOf);
  if (Number.isNaN(t.getTime())) return `plugin list as of ${asOf}`;
  const two = (n: number) => String(n).padStart(2, '0');
  return `plugin list as of ${t.getUTCFullYear()}-${two(t.getUTCMonth() + 1)}-${two(t.getUTCDate())} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())} UTC`;
}

/** The freshness line, when the store said how fresh its list is. */
export function freshnessLine(plan: Plan): string | undefined {
  return plan.asOf === undefined ? undefined : `Freshness: ${asOfPhrase(plan.asOf)}.`;
}

/** Said once on a read-only plan: only the plugin screen changes its list; the clicks are checked afterwards. */
export const READ_ONLY_NOTICE =
  "The CRM plugin's mapped-user list can only be changed in the plugin screen: mapsync reads it, " +
  'lists the clicks that make it match mappings/, and the next drift run checks that they were made.';

/** The one-line facts a read-only plan leads with: freshness, then the notes. */
export function leadingFacts(plan: Plan): string[] {
  const lines: string[] = [];
  const fresh = freshnessLine(plan);
  if (fresh) lines.push(fresh);
  for (const note of plan.notes ?? []) lines.push(`Note: ${note.message}.`);
  return lines;
}
