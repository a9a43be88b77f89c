// A read-only store's changes as a GitHub task list (`- [ ]` per click): the plugin checklist in
// Markdown, for the bodies that lead with it (`--format markdown`, the PR comment, job summaries
// and the `mapsync-clicks` issue). Every removal comes before every addition — the plugin cannot
// map a user who is still mapped — and a replace is two clicks: its removal, then its addition.
// All data goes through src/markdown/escape.ts.
import { code, count, plural, text } from '../../markdown/escape.js';
import { PLUGIN_SCREENS } from './checklist.js';
import type { ChangeView, UserView } from './view.js';

function who(role: string, u: UserView): string {
  return u.name ? `${role} ${text(u.name)} ${code(u.id)}` : `${role} ${code(u.id)}`;
}

/**
 * Who a CRM user is, after its ID: the directory's name, else the YAML's (marked as such), else
 * nothing. Without a CRM directory (the read-only stores' default) the YAML name is all there is,
 * and the plugin's dropdown lists CRM users by name.
 */
function crmHint(crm: UserView, yamlName: string | undefined): string {
  if (crm.name) return ` (${text(crm.name)})`;
  return yamlName ? ` (YAML name: ${text(yamlName)})` : '';
}

/** The pair a replace takes away: the side that changes, as it was; the YAML name when the CRM user stays. */
function removedPair(c: ChangeView): { crm: UserView; outreach: UserView; yamlName?: string } {
  if (c.before?.side === 'crm') return { crm: c.before.user, outreach: c.outreach };
  if (c.before?.side === 'outreach') return { crm: c.crm, outreach: c.before.user, ...(c.yamlName ? { yamlName: c.yamlName } : {}) };
  return { crm: c.crm, outreach: c.outreach, ...(c.yamlName ? { yamlName: c.yamlName } : {}) };
}

export interface TaskListParts {
  /** Removals to list (plain removes, then the removal half of each replace), in order. */
  removes: readonly ChangeView[];
  replaces: readonly ChangeView[];
  adds: readonly ChangeView[];
  /** How many of each group the whole plan has, to say what is not listed. */
  totals: { removes: number; replaces: number; adds: number };
}

/** Where the list lives, said once above the steps. */
export const SCREENS_LINE = `Open the list in the plugin screen: ${PLUGIN_SCREENS.join(' · ')}.`;

/** The clicks as Markdown lines: "First remove …" steps, then "Then add …" steps, numbered through. */
export function taskListLines(parts: TaskListParts): string[] {
  const removals = [...parts.removes, ...parts.replaces].map((c) => removedPair(c));
  const additions = [...parts.replaces, ...parts.adds];
  const out: string[] = [];
  let step = 0;
  const totalRemovals = parts.totals.removes + parts.totals.replaces;
  const totalAdditions = parts.totals.replaces + parts.totals.adds;
  if (totalRemovals > 0) {
    out.push(`**First remove ${plural(totalRemovals, 'mapping')}** — the plugin cannot map a user who is still mapped. Search by the CRM user ID (searching by name finds nothing):`, '');
    // The search finds the CRM user by ID, so the ID is said once, with the name after it.
    for (const pair of removals) out.push(`- [ ] ${count(++step)}. Search for ${code(pair.crm.id)}${crmHint(pair.crm, pair.yamlName)} and remove its mapping to ${who('Outreach user', pair.outreach)}`);
    if (removals.length < totalRemovals) out.push(`- … and ${plural(totalRemovals - removals.length, 'more removal')} not listed here`);
    out.push('');
  }
  if (totalAdditions > 0) {
    step = Math.max(step, totalRemovals);
    out.push(`**${totalRemovals > 0 ? 'Then add' : 'Add'} ${plural(totalAdditions, 'mapping')}:**`, '');
    for (const c of additions) {
      // A YAML name that differs from the directory's is shown as a claim; with no CRM name known it is the only hint.
      const yamlOnly = c.crm.name ? c.claim : c.claim ?? c.yamlName;
      const claim = yamlOnly ? ` (YAML name: ${text(yamlOnly)})` : '';
      out.push(`- [ ] ${count(++step)}. Add a mapping: ${who('CRM user', c.crm)}${claim} ↔ ${who('Outreach user', c.outreach)}, then Save`);
    }
    if (additions.length < totalAdditions) out.push(`- … and ${plural(totalAdditions - additions.length, 'more addition')} not listed here`);
    out.push('');
  }
  return out;
}
