// The terminal view of a plan (or of drift): changes, warnings, errors and a closing counts line.
import type { Colors } from '../../cli/context.js';
import type { Plan } from '../../model.js';
import { groupChanges } from './changeGroups.js';
import { countsLine, driftCountsLine, hasChanges, oneLine } from './describe.js';
import { alignRows, rowOf, type Mode } from './lines.js';

export interface TextOptions {
  colors: Colors;
  mode?: Mode;
}

export function renderText(plan: Plan, options: TextOptions): string {
  const c = options.colors;
  const mode = options.mode ?? 'plan';
  const out: string[] = [];

  if (hasChanges(plan)) {
    out.push(mode === 'plan'
      ? `mapsync will make these changes to ${plan.store} (CRM user <-> Outreach user):`
      : `Live mappings in ${plan.store} differ from mappings/ (CRM user <-> Outreach user):`);
    out.push('');
    const rows = groupChanges(plan.changes).map((g) => rowOf(g, mode));
    const colorOf = { '-': c.red, '+': c.green, '~': c.yellow } as const;
    alignRows(rows).forEach((line, i) => {
      const paint = colorOf[rows[i]!.symbol];
      const rest = [line.who, line.where ? c.dim(line.where) : ''].filter(Boolean).join('  ');
      out.push(`  ${paint(line.head)}  ${line.pair}${rest ? `  ${rest}` : ''}`.trimEnd());
    });
    out.push('');
  }

  if (plan.warnings.length > 0) {
    out.push(c.yellow(c.bold(`Warnings (${plan.warnings.length}):`)));
    for (const w of plan.warnings) out.push(`  ${c.yellow('!')} ${c.yellow(w.code)}: ${oneLine(w.message)}`);
    out.push('');
  }

  const errors = plan.errors ?? [];
  if (errors.length > 0) {
    out.push(c.red(c.bold(`Errors (${errors.length}) — this plan cannot be applied:`)));
    for (const e of errors) out.push(`  ${e.file}:${e.line}:${e.column}: ${c.red('error')}: ${oneLine(e.message)} [${e.code}]`);
    out.push('');
  }

  out.push(c.bold(mode === 'plan' ? countsLine(plan) : driftCountsLine(plan)));
  return out.join('\n') + '\n';
}
