// How an apply's outcome reads: one line per failed change (so CI logs point at each), a closing
// counts line, and a short Markdown block for the GitHub job summary.
import type { Change, ChangeResult, Plan } from '../model.js';
import type { ApplyOutcome } from './applyPlan.js';
import { code, count, text } from '../markdown/escape.js';

const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();

export function describeChange(change: Change): string {
  const pair = `${change.crmUserId} <-> ${change.outreachUserId}`;
  if (change.action === 'add') {
    const name = change.name ? `${oneLine(change.name)}, ` : '';
    return `add ${pair} (${name}${change.file}:${change.line})`;
  }
  const name = change.crmUserName ?? change.outreachUserName;
  return `remove ${pair}${name ? ` (${oneLine(name)})` : ''}`;
}

export function failureLine(result: ChangeResult): string {
  return `failed to ${describeChange(result.change)}: ${oneLine(result.error ?? 'unknown error')}`;
}

/** Failed changes named one by one up to this many; past it they are counted by reason. */
const MAX_FAILURE_LINES = 20;

/**
 * The stderr lines for failed changes. Every failure up to MAX_FAILURE_LINES gets its own line
 * (CI logs point at each); when a whole run fails for one cause — an API limit, an expired
 * token — the rest are grouped by reason instead of repeating it hundreds of times.
 */
export function failureLines(failed: readonly ChangeResult[], journal: string | undefined): string[] {
  const lines = failed.slice(0, MAX_FAILURE_LINES).map(failureLine);
  const rest = failed.slice(MAX_FAILURE_LINES);
  if (rest.length === 0) return lines;
  const byReason = new Map<string, number>();
  for (const r of rest) {
    const reason = oneLine(r.error ?? 'unknown error');
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  for (const [reason, n] of byReason) lines.push(`${count(n)} more ${n === 1 ? 'change' : 'changes'} failed: ${reason}`);
  if (journal) lines.push(`every failed change is listed in ${journal}`);
  return lines;
}

function counts(results: readonly ChangeResult[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const r of results) {
    if (!r.ok) continue;
    if (r.change.action === 'add') added++;
    else removed++;
  }
  return { added, removed };
}

export type Verb = 'apply' | 'restore';

/** The one line an interrupted run ends with: what was made, and where to see what is left. */
function interruptedLine(outcome: ApplyOutcome, verb: Verb): string {
  const { added, removed } = counts(outcome.results);
  const made = added + removed;
  const total = outcome.results.length + (outcome.interrupted?.notSent ?? 0);
  const failed = outcome.failed.length > 0 ? `, ${count(outcome.failed.length)} failed` : '';
  const next = verb === 'apply' ? 'run `mapsync plan` to see what is left' : 'run the same restore again to finish (it shows what is left first)';
  return `${verb === 'apply' ? 'Apply' : 'Restore'} interrupted (${outcome.interrupted?.signal}): ${count(made)} of ${count(total)} changes made (${count(added)} added, ${count(removed)} removed${failed}); ${next}.`;
}

export function completionLine(outcome: ApplyOutcome, verb: Verb = 'apply'): string {
  if (outcome.interrupted) return interruptedLine(outcome, verb);
  const { added, removed } = counts(outcome.results);
  const Verb = verb === 'apply' ? 'Apply' : 'Restore';
  if (outcome.failed.length === 0) return `${Verb} complete: ${count(added)} added, ${count(removed)} removed.`;
  const again = verb === 'apply' ? 'run plan and apply again' : 'run restore again';
  return `${Verb} incomplete: ${count(outcome.failed.length)} of ${count(outcome.results.length)} changes failed (${count(added)} added, ${count(removed)} removed); ${again} once the cause is fixed.`;
}

const MAX_SUMMARY_FAILURES = 50;

export function summaryMarkdown(plan: Plan, outcome: ApplyOutcome | undefined, verb: Verb = 'apply'): string {
  const head = `### mapsync ${verb} — ${code(plan.store)}`;
  if (!outcome || (outcome.results.length === 0 && !outcome.interrupted)) return `${head}\n\nNo changes: live mappings already match.\n`;
  const { added, removed } = counts(outcome.results);
  const lines = [head, ''];
  if (outcome.interrupted) lines.push(`⚠️ ${text(completionLine(outcome, verb))}`);
  else lines.push(outcome.failed.length === 0
    ? `✅ Applied: ${count(added)} added, ${count(removed)} removed.`
    : `❌ ${count(outcome.failed.length)} of ${count(outcome.results.length)} changes failed (${count(added)} added, ${count(removed)} removed).`);
  if (outcome.failed.length > 0) {
    lines.push('');
    for (const f of outcome.failed.slice(0, MAX_SUMMARY_FAILURES)) lines.push(`- ${text(failureLine(f))}`);
    if (outcome.failed.length > MAX_SUMMARY_FAILURES) lines.push(`- … and ${count(outcome.failed.length - MAX_SUMMARY_FAILURES)} more (see the journal)`);
  }
  if (outcome.snapshot) lines.push('', `Snapshot: ${code(outcome.snapshot)} · journal: ${code(outcome.journal ?? '')}`);
  return lines.join('\n') + '\n';
}
