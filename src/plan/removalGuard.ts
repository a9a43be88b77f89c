// The removal guard (octoDNS's "too many deletes", peribolos's --maximum-removal-delta): a plan
// that would remove a large share of the live mappings is much more likely a mistake (a deleted
// file, a bad merge) than an intent, so it carries an `unsafe-removals` warning and apply needs
// --force. Everything it needs is in a plan's summary, so apply can re-check a saved plan against
// the current settings.
import type { SafetyConfig } from '../config.js';
import { count } from '../markdown/escape.js';
import type { Plan, PlanSummary, Warning } from '../model.js';

export interface RemovalCheck {
  /** Live mappings the plan was computed against (removed + unchanged). */
  existing: number;
  removes: number;
  /** removes / existing (0 when the store is empty). */
  fraction: number;
  unsafe: boolean;
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** Measures a plan's removals against the guard. Exactly at the threshold is still safe ("more than"). */
export function checkRemovals(summary: PlanSummary, safety: SafetyConfig): RemovalCheck {
  const existing = summary.remove + summary.unchanged;
  const removes = summary.remove;
  const fraction = existing === 0 ? 0 : removes / existing;
  // removes / existing is correctly rounded, so it compares equal to a configured fraction such
  // as 0.57 exactly when it is the same ratio (removes > fraction * existing would not be).
  const unsafe = existing >= safety.minExisting && existing > 0 && fraction > safety.maxRemovalFraction;
  return { existing, removes, fraction, unsafe };
}

/** The `unsafe-removals` warning for a plan summary, or undefined when the plan is within the guard. */
export function removalGuard(summary: PlanSummary, safety: SafetyConfig): Warning | undefined {
  const check = checkRemovals(summary, safety);
  if (!check.unsafe) return undefined;
  return {
    code: 'unsafe-removals',
    message:
      `Too many removals: ${percent(check.fraction)} is over ${percent(safety.maxRemovalFraction)} ` +
      `(${count(check.removes)} of ${count(check.existing)}); apply needs --force`,
  };
}

/** True when the plan, as it stands, removes more than the guard allows (re-checked at apply time). */
export function isUnsafe(plan: Plan, safety?: SafetyConfig): boolean {
  if (safety) return checkRemovals(plan.summary, safety).unsafe;
  return plan.warnings.some((w) => w.code === 'unsafe-removals');
}
