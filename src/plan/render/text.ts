// The terminal view of a plan (or of drift), risk first: errors, the removal guard and warnings,
// then removals, replaces and adds with both users named, and a closing counts line.
import type { Colors } from '../../context.js';
import type { Plan } from '../../model.js';
import { renderChecklist } from './checklist.js';
import { count, countsLine, driftCountsLine, oneLine } from './describe.js';
import { leadingFacts } from './readOnly.js';
import { alignRows, rowOf } from './lines.js';
import type { Mode } from './view.js';
import { inRiskOrder, planView } from './view.js';

export interface TextOptions {
  colors: Colors;
  mode?: Mode;
}

export function renderText(plan: Plan, options: TextOptions): string {
  const c = options.colors;
  const mode = options.mode ?? 'plan';
  const view = planView(plan, mode);
  const out: string[] = [];
  // Freshness and notes lead every other plan that has them (a read-only plan's checklist says them).
  if (!plan.readOnly) {
    const lead = leadingFacts(plan);
    if (lead.length > 0) out.push(...lead, '');
  }

  if (view.errors.length > 0) {
    out.push(c.red(c.bold(`Errors (${count(view.errors.length)}) — this plan cannot be applied:`)));
    for (const e of view.errors) out.push(`  ${e.file}:${e.line}:${e.column}: ${c.red('error')}: ${oneLine(e.message)} [${e.code}]`);
    out.push('');
  }
  // A read-only store's plan is the clicks to make: the checklist is the body (freshness, notes,
  // that only the plugin screen changes the list, warnings, then every removal before every addition).
  if (plan.readOnly) {
    out.push(renderChecklist(plan, c).trimEnd(), '');
    out.push(c.bold(mode === 'plan' ? countsLine(plan) : driftCountsLine(plan)));
    return out.join('\n') + '\n';
  }
  if (view.guard) {
    out.push(c.red(c.bold('apply will refuse this plan without --force:')));
    out.push(`  ${c.red('!')} ${c.red(view.guard.code)}: ${oneLine(view.guard.message)}`);
    out.push('');
  }
  if (view.warnings.length > 0) {
    out.push(c.yellow(c.bold(`Warnings (${count(view.warnings.length)}):`)));
    for (const w of view.warnings) out.push(`  ${c.yellow('!')} ${c.yellow(w.code)}: ${oneLine(w.message)}`);
    out.push('');
  }

  const changes = inRiskOrder(view);
  if (changes.length > 0) {
    out.push(mode === 'plan'
      ? `mapsync will make these changes to ${plan.store} (CRM user <-> Outreach user), removals first:`
      : `Live mappings in ${plan.store} differ from mappings/ (CRM user <-> Outreach user):`);
    out.push('');
    const rows = changes.map((v) => rowOf(v, mode));
    const colorOf = { '-': c.red, '+': c.green, '~': c.yellow } as const;
    alignRows(rows).forEach((line, i) => {
      const paint = colorOf[rows[i]!.symbol];
      const rest = [line.who, line.where ? c.dim(line.where) : ''].filter(Boolean).join('  ');
      out.push(`  ${paint(line.head)}  ${line.pair}${rest ? `  ${rest}` : ''}`.trimEnd());
    });
    out.push('');
  }

  out.push(c.bold(mode === 'plan' ? countsLine(plan) : driftCountsLine(plan)));
  return out.join('\n') + '\n';
}
