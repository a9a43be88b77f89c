// The apply outcome as a pull-request comment: what merging this PR did to the live store —
// changes made and failed, the first failures by name, and the run that holds the journal.
// Every piece of data (store, names, store error messages) goes through inline code, which
// GitHub never parses for mentions, references, links or HTML.
import type { ApplyOutcome } from '../apply/applyPlan.js';
import { failureLine } from '../apply/report.js';
import type { Plan } from '../model.js';
import { code as inlineCode, plural } from '../markdown/escape.js';
import { commitLink } from './markdown.js';

export const APPLY_MARKER = '<!-- mapsync:apply -->';

/** Failures named one by one in the comment; the rest are counted (the journal has them all). */
export const MAX_COMMENT_FAILURES = 10;

export type ApplyReport =
  /** The engine ran: `outcome.results` is empty when there was nothing to change. */
  | { kind: 'applied'; plan: Plan; outcome: ApplyOutcome }
  /** apply stopped with an error before or while applying (stale or unsafe plan, store unreachable…). */
  | { kind: 'stopped'; message: string; hint?: string; store?: string }
  /** A read-only store (the plugin's own list): nothing written; the clicks are kept in the issue. */
  | { kind: 'clicks'; plan: Plan; issueUrl?: string };

export interface ApplyLinks {
  sha?: string;
  serverUrl: string;
  owner: string;
  repo: string;
  runUrl?: string;
}

function facts(links: ApplyLinks, store: string | undefined): string {
  const commit = commitLink(links);
  return [
    commit && `Commit ${commit}`,
    store && `store ${inlineCode(store)}`,
    links.runUrl && `[workflow run](${links.runUrl})`,
  ].filter(Boolean).join(' · ');
}

function tally(outcome: ApplyOutcome): { made: number; added: number; removed: number; failed: number } {
  let added = 0;
  let removed = 0;
  for (const r of outcome.results) {
    if (!r.ok) continue;
    if (r.change.action === 'add') added++;
    else removed++;
  }
  return { made: added + removed, added, removed, failed: outcome.failed.length };
}

export function renderApplyComment(report: ApplyReport, links: ApplyLinks): string {
  const out = [APPLY_MARKER];
  const runLink = links.runUrl ? `[workflow run](${links.runUrl})` : 'workflow run';
  if (report.kind === 'clicks') {
    const clicks = report.plan.summary.remove + report.plan.summary.add;
    const issue = report.issueUrl ? `[the \`mapsync-clicks\` issue](${report.issueUrl})` : 'the open `mapsync-clicks` issue';
    out.push(`### 🖱️ mapsync apply: ${plural(clicks, 'click')} to make in the CRM plugin screen`, '', facts(links, report.plan.store), '');
    out.push(`Nothing was written: ${inlineCode(report.plan.store)} is the CRM plugin's own mapped-user list, which has no write API. The clicks that make it match \`mappings/\` are in ${issue}; the next drift run checks them and closes it.`);
    return out.join('\n') + '\n';
  }
  if (report.kind === 'stopped') {
    out.push('### ❌ mapsync apply stopped', '', facts(links, report.store), '');
    out.push(`apply stopped with: ${inlineCode(report.message)}`);
    if (report.hint) out.push('', `What to do: ${inlineCode(report.hint)}`);
    out.push('', `The ${runLink} log says what, if anything, was changed before it stopped.`);
    return out.join('\n') + '\n';
  }

  const { plan, outcome } = report;
  if (outcome.results.length === 0) {
    out.push('### ✅ mapsync apply: nothing to change', '', facts(links, plan.store), '');
    out.push(`The live store already matched \`mappings/\`; nothing was written.`);
    return out.join('\n') + '\n';
  }

  const t = tally(outcome);
  const made = `**${plural(t.made, 'change')} made** (${t.added.toLocaleString('en-US')} added, ${t.removed.toLocaleString('en-US')} removed)`;
  if (t.failed === 0) {
    out.push(`### ✅ mapsync applied this pull request: ${plural(t.made, 'change')} made`, '', facts(links, plan.store), '');
    out.push(`${made}, **0 failed**.`);
  } else {
    out.push(`### ❌ mapsync apply: ${plural(t.made, 'change')} made, ${t.failed.toLocaleString('en-US')} failed`, '', facts(links, plan.store), '');
    out.push(`${made}, **${t.failed.toLocaleString('en-US')} failed**:`, '');
    for (const f of outcome.failed.slice(0, MAX_COMMENT_FAILURES)) out.push(`- ${inlineCode(failureLine(f))}`);
    const rest = t.failed - MAX_COMMENT_FAILURES;
    if (rest > 0) out.push(`- … and ${plural(rest, 'more failure')}: the journal lists every one`);
    out.push('', 'Fix the cause, then run the apply workflow again: a fresh plan holds only what is still missing.');
  }
  if (outcome.journal) out.push('', `Every outcome is in the journal ${inlineCode(outcome.journal)}, kept with the ${runLink}.`);
  return out.join('\n') + '\n';
}
