// A read-only store (the CRM plugin's own list, CONTRACT §12) is never written: the one place
// where applying starts (checkPlanIsApplicable) refuses it with this error, which carries the
// plan so that `apply --github-issue` can turn it into the clicks issue instead.
import { MapsyncError } from '../errors.js';
import { count } from '../markdown/escape.js';
import type { Plan } from '../model.js';

const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

export class ReadOnlyStoreRefusal extends MapsyncError {
  readonly plan: Plan;

  /** listedAbove: the checklist was just printed (apply planned fresh), so the line points up, not to another command. */
  constructor(plan: Plan, options: { listedAbove?: boolean } = {}) {
    // One click per removal and one per addition: a replace is two clicks in the plugin screen.
    const clicks = plan.summary.remove + plan.summary.add;
    super(
      `not applied: ${plan.store} is the CRM plugin's own mapped-user list, which has no write API; ` +
      `${plural(clicks, 'click')} in the plugin screen ${clicks === 1 ? 'makes' : 'make'} it match mappings/ (${plural(plan.summary.remove, 'removal')}, then ${plural(plan.summary.add, 'addition')}) — ` +
      (options.listedAbove ? 'the checklist above lists them' : `run \`mapsync plan --format checklist --store ${plan.store}\` to see them`),
      { code: 'read-only-store' },
    );
    this.name = 'ReadOnlyStoreRefusal';
    this.plan = plan;
  }
}
