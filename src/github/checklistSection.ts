// The plugin checklist (`--format checklist`) folded into the plan comment, for orgs that keep the
// CRM plugin's mapped-user list by hand. It must never take room from the plan itself: when the
// comment would be cut, it shrinks to a pointer at the command that prints it.
import { code, codeBlock, plural } from '../markdown/escape.js';
import type { Plan } from '../model.js';
import { renderChecklist } from '../plan/render/checklist.js';
import { hasChanges, hasErrors } from '../plan/render/index.js';
import { PLAN_ARTIFACT } from './markdown.js';

export interface ChecklistAppendix {
  /** The folded checklist, when the comment has room for it. */
  full: string[];
  /** A one-line pointer, when the comment is cut (or the checklist alone would be too long). */
  whenCut: string[];
}

/** A checklist longer than this is never folded in: it would crowd the plan out of a 65,536-character comment. */
export const CHECKLIST_MAX_CHARS = 20_000;

/**
 * The appendix for the plan comment; empty when there is nothing to click (no changes, or errors).
 * `inArtifact`: the workflow uploads the checklist as checklist.txt in the mapsync-plan artifact.
 */
export function checklistAppendix(plan: Plan, options: { inArtifact: boolean }): ChecklistAppendix {
  // A read-only store's comment already leads with the clicks (a task list): no second copy.
  if (!hasChanges(plan) || hasErrors(plan) || plan.readOnly) return { full: [], whenCut: [] };
  const steps = plan.changes.length;
  const where = options.inArtifact
    ? `it is ${code('checklist.txt')} in the ${code(PLAN_ARTIFACT)} artifact of the workflow run, and ${code('npx mapsync plan --format checklist')} prints it`
    : `${code('npx mapsync plan --format checklist')} prints the clicks to make, or ${code('npx mapsync show PLANFILE --format checklist')} for a saved plan`;
  const pointer = [`**Plugin checklist** (${plural(steps, 'step')}), for orgs that keep the CRM plugin's mapped-user list by hand: ${where}.`];
  const checklist = renderChecklist(plan);
  if (checklist.length > CHECKLIST_MAX_CHARS) return { full: pointer, whenCut: pointer };
  const folded = [
    '<details>',
    `<summary>Plugin checklist (${plural(steps, 'step')}): the clicks in the CRM plugin screen, for orgs that keep its mapped-user list by hand</summary>`,
    '',
    codeBlock(checklist),
    '',
    '</details>',
  ].join('\n');
  return { full: [folded], whenCut: pointer };
}
