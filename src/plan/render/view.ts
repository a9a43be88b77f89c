// The one view of a plan that every body is drawn from (text, Markdown, PR comment, job summary,
// drift issue): both users of each change named, re-pointed pairs shown as one replace, and the
// parts in risk order — what stops apply, then warnings, then removals, replaces and adds.
import type { AddChange, Plan, PlanError, RemoveChange, Warning } from '../../model.js';
import { namesDiffer } from '../names.js';
import { groupChanges } from './changeGroups.js';
import type { Headline } from './describe.js';

/** Plan shows what apply will do; drift shows how the live store differs from mappings/. */
export type Mode = 'plan' | 'drift';

/** A user as a reviewer needs to see them: the ID, and the name the directories (or store) give. */
export interface UserView {
  id: string;
  name?: string;
}

export interface ChangeView {
  kind: 'remove' | 'add' | 'replace';
  crm: UserView;
  outreach: UserView;
  /** In a replace, the side that changes: who held the seat before, or which seat the CRM user had. */
  before?: { side: 'crm' | 'outreach'; user: UserView };
  /** The YAML `name`, when it is the only name known or differs from the directories' name. */
  claim?: string;
  /** The YAML `name` as written (adds and replaces; a read-only plan's removes, from another entry): the click lists name a CRM user no directory named by it. */
  yamlName?: string;
  /** Where the add was written (adds and replaces). */
  source?: { file: string; line: number };
}

export interface PlanView {
  plan: Plan;
  mode: Mode;
  headline: Headline;
  /** The removal guard's verdict, when it stops apply. */
  guard?: Warning;
  errors: PlanError[];
  /** Every warning but the guard's. */
  warnings: Warning[];
  /** Risk order: removals, then replaces, then adds; each in CRM user ID order. */
  removes: ChangeView[];
  replaces: ChangeView[];
  adds: ChangeView[];
}

const user = (id: string | number, name: string | undefined): UserView => (name ? { id: String(id), name } : { id: String(id) });

/** The YAML's claim, kept only when it adds something: no directory name, or a different one. */
function claimOf(claim: string | undefined, crm: UserView, outreach: UserView): string | undefined {
  if (!claim) return undefined;
  const known = crm.name ?? outreach.name;
  if (!known) return claim;
  return namesDiffer(claim, known) ? claim : undefined;
}

function removeView(r: RemoveChange): ChangeView {
  const view: ChangeView = { kind: 'remove', crm: user(r.crmUserId, r.crmUserName), outreach: user(r.outreachUserId, r.outreachUserName) };
  // Only read-only plans carry it: the name mappings/ gives this CRM user on another entry.
  if (r.yamlName) view.yamlName = r.yamlName.name;
  return view;
}

function addView(a: AddChange): ChangeView {
  const view: ChangeView = { kind: 'add', crm: user(a.crmUserId, a.crmUserName), outreach: user(a.outreachUserId, a.outreachUserName), source: { file: a.file, line: a.line } };
  const claim = claimOf(a.name, view.crm, view.outreach);
  if (claim !== undefined) view.claim = claim;
  if (a.name) view.yamlName = a.name;
  return view;
}

function replaceView(r: RemoveChange, a: AddChange, same: 'crm' | 'outreach'): ChangeView {
  const view = addView(a);
  view.kind = 'replace';
  // The side that stays keeps the best name known for it (the add's, else the removed pair's).
  if (same === 'crm') {
    view.crm = user(a.crmUserId, a.crmUserName ?? r.crmUserName);
    view.before = { side: 'outreach', user: user(r.outreachUserId, r.outreachUserName) };
  } else {
    view.outreach = user(a.outreachUserId, a.outreachUserName ?? r.outreachUserName);
    view.before = { side: 'crm', user: user(r.crmUserId, r.crmUserName) };
  }
  const claim = claimOf(a.name, view.crm, view.outreach);
  if (claim === undefined) delete view.claim;
  else view.claim = claim;
  return view;
}

export function planView(plan: Plan, mode: Mode = 'plan'): PlanView {
  const removes: ChangeView[] = [];
  const replaces: ChangeView[] = [];
  const adds: ChangeView[] = [];
  for (const g of groupChanges(plan.changes)) {
    if (g.kind === 'remove') removes.push(removeView(g.remove));
    else if (g.kind === 'add') adds.push(addView(g.add));
    else replaces.push(replaceView(g.remove, g.add, g.same));
  }
  const guard = plan.warnings.find((w) => w.code === 'unsafe-removals');
  return {
    plan,
    mode,
    headline: { add: adds.length, remove: removes.length, replace: replaces.length, unchanged: plan.summary.unchanged },
    guard,
    errors: plan.errors ?? [],
    warnings: plan.warnings.filter((w) => w !== guard),
    removes,
    replaces,
    adds,
  };
}

/** Changes in the order bodies show them (and keep them when cut). */
export function inRiskOrder(view: PlanView): ChangeView[] {
  return [...view.removes, ...view.replaces, ...view.adds];
}
