// `--format checklist`: the plan as the clicks an admin makes in the CRM plugin's user mapping
// screen. Nothing can write that list (§10), so these steps are for a person. For most stores the
// plugin's list is not what was planned against, and the text says the steps assume it matched;
// for a read-only store (§12) the plan was made against the plugin's list itself, so the steps are
// exactly the clicks, and the next drift run checks them. Plain text (no Markdown): it is printed
// to terminals and folded into the PR comment as is.
import type { Change, Plan, RemoveChange, AddChange } from '../../model.js';
import { count } from '../../markdown/escape.js';
import { groupChanges } from './changeGroups.js';
import { hasChanges, hasErrors, oneLine } from './describe.js';
import { freshnessLine } from './readOnly.js';

/** Where the list lives, in the plugin's own words, per plugin generation. */
export const PLUGIN_SCREENS = [
  'Classic CRM plugin: CRM Plugin → User → Mappings',
  'Enhanced CRM Sync: CRM Sync → User object mapping → Mappings',
] as const;

const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** The names the live store or the directories gave the two users (what the plugin's dropdowns show). */
function knownNames(c: Change): { crm?: string; outreach?: string } {
  return {
    crm: c.crmUserName ? oneLine(c.crmUserName) : undefined,
    outreach: c.outreachUserName ? oneLine(c.outreachUserName) : undefined,
  };
}

/** "Ada Lovelace (0055e000001AbCdAAK)", or the ID and a note when nobody told us the name. */
function user(name: string | undefined, id: string | number): string {
  return name ? `${name} (${id})` : `${id} (name not known to mapsync)`;
}

/** The two users of a change as the plugin's dropdowns list them: name, then ID. */
function usersOf(c: Change, yamlName?: AddChange): { crm: string; outreach: string } {
  const known = knownNames(c);
  let crm = user(known.crm, c.crmUserId);
  // With no directory read, the YAML `name` is the best hint there is: shown, and marked as a claim.
  // A removal whose CRM user is mapped again later names that entry's YAML `name` the same way,
  // and so does one whose CRM user mappings/ names on a pair that stays (read-only plans).
  const claim = c.action === 'add' ? c : yamlName ?? c.yamlName;
  if (!known.crm && claim?.name) crm = `${oneLine(claim.name)} (${c.crmUserId}), the name in ${claim.file}:${claim.line}`;
  return { crm, outreach: user(known.outreach, c.outreachUserId) };
}

function pairLines(pad: string, c: Change, yamlName?: AddChange): string[] {
  const users = usersOf(c, yamlName);
  return [`${pad}   CRM user:      ${users.crm}`, `${pad}   Outreach user: ${users.outreach}`];
}

interface Removal {
  remove: RemoveChange;
  /** The addition of a replace: the same CRM user or the same Outreach user mapped again. */
  partner?: { add: AddChange; same: 'crm' | 'outreach' };
}

function removalStep(n: string, removal: Removal, partnerStep: string | undefined, paint: (t: string) => string): string[] {
  const { remove, partner } = removal;
  const pad = ' '.repeat(n.length);
  const sameCrm = partner?.same === 'crm' ? partner.add : undefined;
  const lines = [`${paint(n)} Search for ${remove.crmUserId} and remove its mapping:`, ...pairLines(pad, remove, sameCrm)];
  if (partner && partnerStep) {
    lines.push(partner.same === 'crm'
      ? `${pad}   (step ${partnerStep} maps this CRM user again, to Outreach user ${partner.add.outreachUserId})`
      : `${pad}   (step ${partnerStep} maps this Outreach user again, to CRM user ${partner.add.crmUserId})`);
  }
  return lines;
}

function additionStep(n: string, add: AddChange, paint: (t: string) => string): string[] {
  const pad = ' '.repeat(n.length);
  return [`${paint(n)} Add a mapping:`, ...pairLines(pad, add), `${pad}   Save.`];
}

/** What the checklist says before its steps: which list it is for, and who makes the clicks. */
function introOf(plan: Plan): string[] {
  if (plan.readOnly) {
    // The freshness belongs with the title (which list, read when); the notes (what was not
    // checked) come after where to click, just before the warnings, where they matter.
    const fresh = freshnessLine(plan);
    return [
      `Checklist for the CRM plugin's user mappings (plan against the plugin's own list, ${plan.store})`,
      ...(fresh ? [fresh] : []),
      '',
      'The list can only be changed in the plugin screen: mapsync does not click anything there.',
      'These steps are the clicks that make it match mappings/; run `mapsync drift` afterwards to check',
      'that they were made. Open the list here:',
    ];
  }
  return [
    `Checklist for the CRM plugin's user mappings (plan for ${plan.store})`,
    '',
    'mapsync does not click anything in the plugin screen: the plugin\'s mapping list has no public',
    'write API, so these steps are for you to carry out by hand. mapsync checks them only when it',
    'plans against the plugin\'s own list (store plugin-share or plugin-export:PATH).',
    `They assume the plugin's list matched ${plan.store} before this plan. Open the list here:`,
  ];
}

/** No colour: the checklist is plain text wherever it is not printed to a terminal (files, PR comments). */
const plain = (t: string) => t;
type Paints = Record<'bold' | 'red' | 'green' | 'yellow', (t: string) => string>;
const PLAIN: Paints = { bold: plain, red: plain, green: plain, yellow: plain };

/**
 * colors: the terminal's (the text view of a read-only plan), to mark the headings, the warnings
 * and the removal / addition step numbers the way other plans colour - and +; plain otherwise.
 */
export function renderChecklist(plan: Plan, colors: Paints = PLAIN): string {
  const c = colors;
  const out: string[] = [...introOf(plan), ...PLUGIN_SCREENS.map((s) => `  - ${s}`), ''];
  if (plan.readOnly) {
    const notes = (plan.notes ?? []).map((note) => `Note: ${oneLine(note.message)}.`);
    if (notes.length > 0) out.push(...notes, '');
  }

  if (hasErrors(plan)) {
    const n = plan.errors!.length;
    out.push(`No checklist: the plan has ${plural(n, 'error', 'errors')} (users the directories do not know). Fix mappings/ and plan again.`);
    return out.join('\n') + '\n';
  }
  if (!hasChanges(plan)) {
    out.push('Nothing to do: the plan has no changes.');
    return out.join('\n') + '\n';
  }

  // Risk first: the guard's verdict and every warning come before the first step.
  if (plan.warnings.length > 0) {
    out.push(c.bold('Before you start:'));
    for (const w of plan.warnings) out.push(`  ${c.yellow('!')} ${c.yellow(w.code)}: ${oneLine(w.message)}`);
    out.push('');
  }

  // A re-pointed pair's removal names the addition step that maps its user again, so the admin
  // is not surprised to see it come back.
  // The order of the Markdown task list (PR comment, clicks issue): plain removals, then the
  // removal half of each replace; then the replaces' additions, then plain additions. Step N is
  // the same click in the terminal, the comment and the issue.
  const groups = groupChanges(plan.changes);
  const removals: Removal[] = [];
  const additions: AddChange[] = [];
  for (const g of groups) if (g.kind === 'remove') removals.push({ remove: g.remove });
  for (const g of groups) {
    if (g.kind === 'replace') {
      removals.push({ remove: g.remove, partner: { add: g.add, same: g.same } });
      additions.push(g.add);
    }
  }
  for (const g of groups) if (g.kind === 'add') additions.push(g.add);

  const width = `${count(removals.length + additions.length)}.`.length;
  const stepNo = (i: number) => `${count(i)}.`.padStart(width);
  const additionStepOf = new Map<AddChange, number>();
  additions.forEach((a, i) => additionStepOf.set(a, removals.length + i + 1));

  if (removals.length > 0) {
    out.push(
      `${c.bold(`First remove ${plural(removals.length, 'mapping', 'mappings')}`)}: the plugin cannot map a user who is still mapped`,
      '("Unable to save because of a server issue"). Search by the CRM user ID: searching by name finds nothing.',
      '',
    );
    removals.forEach((r, i) => {
      const again = r.partner ? count(additionStepOf.get(r.partner.add)!) : undefined;
      out.push(...removalStep(stepNo(i + 1), r, again, c.red));
    });
    out.push('');
  }
  if (additions.length > 0) {
    out.push(`${c.bold(`${removals.length > 0 ? 'Then add' : 'Add'} ${plural(additions.length, 'mapping', 'mappings')}`)}:`, '');
    additions.forEach((a, i) => out.push(...additionStep(stepNo(removals.length + i + 1), a, c.green)));
    out.push('');
  }
  out.push(`${plural(removals.length + additions.length, 'step', 'steps')}: ${plural(removals.length, 'removal', 'removals')}, then ${plural(additions.length, 'addition', 'additions')}.`);
  return out.join('\n') + '\n';
}
