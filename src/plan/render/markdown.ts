// Every Markdown body mapsync writes about a plan — `--format markdown`, the job summary, the PR
// comment, the drift issue — is this one renderer over the plan view. Risk first: errors and the
// removal guard's verdict, then warnings, then removals, replaces and adds. When a body must fit a
// size limit, removals are kept first, then replaces, then adds, and what was cut is counted.
// All data goes through src/markdown/escape.ts, so no name or file can become markup.
import type { Plan, Warning } from '../../model.js';
import { code, count, link, plural, text } from '../../markdown/escape.js';
import { countsLine, driftCountsLine, hasErrors, headlinePhrase } from './describe.js';
import { alignRows, rowOf } from './lines.js';
import { leadingFacts } from './readOnly.js';
import { SCREENS_LINE, taskListLines } from './taskList.js';
import type { Mode } from './view.js';
import { inRiskOrder, planView, type ChangeView, type PlanView, type UserView } from './view.js';

export { countsLine, driftCountsLine } from './describe.js';

/** Plans up to this many changes are tables (like the plugin's mapped-user list); larger ones are compact diff lines. */
const TABLE_MAX_CHANGES = 50;
/** An additions section longer than this is folded; removals and replaces never are. */
const FOLD_ADDS_AFTER = 20;
/** Warnings and errors listed in full up to this many; the rest are counted. */
const MAX_LISTED = 50;

export interface BodyOptions {
  mode?: Mode;
  /** Hidden marker on the first line (the PR comment, the drift issue). */
  marker?: string;
  /** Replaces the default "### mapsync plan: …" heading (mapsync's own Markdown). */
  heading?: string;
  /** Facts under the heading, mapsync's own Markdown (commit, run); the store is always added. */
  facts?: string[];
  /** A paragraph after the counts (mapsync's own Markdown). */
  intro?: string;
  /** Replaces the merge verdict (the drift issue has its own words). */
  verdict?: string;
  /** Closing section (mapsync's own Markdown). */
  footer?: string;
  /** Sections after the changes, e.g. a folded checklist (mapsync's own Markdown, already escaped). */
  appendix?: string[];
  /** Link for an add's file:line (the line at the PR's head commit). */
  sourceUrl?: (file: string, line: number) => string | undefined;
  /** Largest size allowed, measured by `measure` (default: no limit). */
  budget?: number;
  /** String length for comments (GitHub counts characters); UTF-8 bytes for the job summary. */
  measure?: (markdown: string) => number;
  /** Where every change can be read when this body is cut: a sentence of mapsync's Markdown. */
  fullPlan?: string;
}

export interface RenderedBody {
  markdown: string;
  /** Changes listed, out of `total` (a replace counts once). */
  shown: number;
  total: number;
  truncated: boolean;
}

const LABELS: Record<Mode, Record<ChangeView['kind'], string>> = {
  plan: { remove: '➖ remove', add: '➕ add', replace: '🔁 replace' },
  drift: { remove: '➖ live only', add: '➕ missing', replace: '🔁 differs' },
};

const SECTION_TITLES: Record<Mode, Record<ChangeView['kind'], (n: number) => string>> = {
  plan: {
    remove: (n) => `${plural(n, 'removal')}`,
    replace: (n) => `${plural(n, 'replace')} (a user re-pointed: the old mapping is removed, the new one added)`,
    add: (n) => `${plural(n, 'addition')}`,
  },
  drift: {
    remove: (n) => `${plural(n, 'live mapping')} not in \`mappings/\``,
    replace: (n) => `${plural(n, 'mapping')} pointing elsewhere in the store`,
    add: (n) => `${plural(n, 'mapping')} in \`mappings/\` missing from the store`,
  },
};

/** A user in a table cell: the directory's name (as plain words or code), then the ID as code. */
function userCell(u: UserView): string {
  return u.name ? `${text(u.name, { cell: true })} ${code(u.id, { cell: true })}` : code(u.id, { cell: true });
}

function cells(c: ChangeView, mode: Mode, sourceUrl: BodyOptions['sourceUrl']): string[] {
  let crm = userCell(c.crm);
  let outreach = userCell(c.outreach);
  if (c.before?.side === 'crm') crm = `${userCell(c.before.user)} → ${crm}`;
  if (c.before?.side === 'outreach') outreach = `${userCell(c.before.user)} → ${outreach}`;
  if (c.claim) crm += ` (YAML name: ${text(c.claim, { cell: true })})`;
  let change = LABELS[mode][c.kind];
  if (c.kind === 'replace') change += c.before?.side === 'outreach' ? ' (new Outreach user)' : ' (new CRM user)';
  let source = '';
  if (c.source) {
    const where = code(`${c.source.file}:${c.source.line}`, { cell: true });
    const href = sourceUrl?.(c.source.file, c.source.line);
    source = href ? link(where, href) : where;
  }
  return [crm, outreach, change, source];
}

function table(rows: readonly ChangeView[], mode: Mode, sourceUrl: BodyOptions['sourceUrl']): string {
  const lines = ['| CRM user | Outreach user | change | source |', '|---|---|---|---|'];
  for (const c of rows) lines.push(`| ${cells(c, mode, sourceUrl).join(' | ')} |`);
  return lines.join('\n');
}

/**
 * Compact lines in a ```diff block for large plans. Each line starts with mapsync's own symbol,
 * so no data can close the fence, and oneLine() keeps every change on its line.
 */
function diffBlock(rows: readonly ChangeView[], mode: Mode): string {
  const textRows = rows.map((c) => rowOf(c, mode));
  const lines = alignRows(textRows).map((l, i) => `${textRows[i]!.symbol} ${l.pair}${l.rest ? `  ${l.rest}` : ''}`.trimEnd());
  return ['```diff', ...lines, '```'].join('\n');
}

function capped<T>(items: readonly T[], item: (x: T) => string, what: string): string[] {
  const lines = items.slice(0, MAX_LISTED).map(item);
  if (items.length > MAX_LISTED) lines.push(`- … and ${plural(items.length - MAX_LISTED, `more ${what}`)}`);
  return lines;
}

const warningItem = (w: Warning) => `- ⚠️ ${code(w.code)} ${text(w.message)}`;

function verdictOf(view: PlanView, store: string): string[] {
  const total = inRiskOrder(view).length;
  if (view.plan.readOnly && view.errors.length === 0) {
    const clicks = view.plan.summary.remove + view.plan.summary.add;
    if (clicks === 0) return [`**Nothing to click:** the plugin's list (${store}) already matches \`mappings/\`.`];
    // Said once per body: only the plugin screen changes the list, and drift checks the clicks.
    const these = clicks === 1 ? 'This click in the plugin screen makes' : `These ${count(clicks)} clicks in the plugin screen make`;
    const checked = `the next drift run checks that ${clicks === 1 ? 'it was' : 'they were'} made`;
    if (view.mode === 'drift') return [`**The plugin's list (${store}) differs from \`mappings/\`:** only the plugin screen changes it. ${these} it match again, every removal before every addition; ${checked}.`];
    return [`**Merging changes nothing in the plugin's list (${store}):** only the plugin screen changes it. ${these} it match \`mappings/\`, every removal before every addition; ${checked}.`];
  }
  if (view.errors.length > 0) {
    return ['> [!CAUTION]', `> **Merging applies nothing:** the plan has ${plural(view.errors.length, 'error')} (users the directories do not know). Fix them and push again.`];
  }
  if (view.guard) {
    // The refusal leads: a reviewer must not read "merging applies" and stop there.
    return [
      '> [!CAUTION]',
      `> **Apply will refuse this plan.** The removal guard stops it: ${text(view.guard.message)}.`,
      `> Merging changes nothing in ${store} until a maintainer who has checked every removal below re-runs the apply workflow with \`force\`.`,
    ];
  }
  if (total === 0) return [`**Merging applies nothing:** ${store} already matches \`mappings/\`.`];
  const order = [
    view.removes.length > 0 && plural(view.removes.length, 'removal'),
    view.replaces.length > 0 && plural(view.replaces.length, 'replace'),
    view.adds.length > 0 && plural(view.adds.length, 'addition'),
  ].filter(Boolean).join(', then ');
  return [`**Merging applies ${total === 1 ? 'this change' : `these ${count(total)} changes`} to ${store}:** ${order}.`];
}

interface Shown { remove: number; replace: number; add: number }

function shownOf(view: PlanView, n: number): Shown {
  const remove = Math.min(n, view.removes.length);
  const replace = Math.min(n - remove, view.replaces.length);
  return { remove, replace, add: Math.min(n - remove - replace, view.adds.length) };
}

function cutNote(view: PlanView, shown: Shown, fullPlan: string | undefined): string[] {
  const parts: string[] = [];
  const part = (n: number, of: number, one: string) => {
    if (of === 0) return;
    parts.push(n === of ? `${of === 1 ? 'the' : 'all'} ${plural(of, one)}` : `${count(n)} of ${plural(of, one)}`);
  };
  part(shown.remove, view.removes.length, 'removal');
  part(shown.replace, view.replaces.length, 'replace');
  part(shown.add, view.adds.length, 'addition');
  const listed = shown.remove + shown.replace + shown.add;
  const total = view.removes.length + view.replaces.length + view.adds.length;
  return ['> [!NOTE]', `> This lists ${count(listed)} of ${plural(total, 'change')} to fit GitHub's size limit: ${parts.join(', ')}. ${fullPlan ?? 'Run `npx mapsync plan` to see every change.'}`];
}

function build(view: PlanView, options: BodyOptions, n: number): string {
  const mode = view.mode;
  const plan = view.plan;
  const store = code(plan.store);
  const total = view.removes.length + view.replaces.length + view.adds.length;
  const shown = shownOf(view, n);
  const out: string[] = [];
  if (options.marker) out.push(options.marker);
  out.push(options.heading ?? (mode === 'plan'
    ? `### mapsync plan: ${total === 0 ? 'no changes' : headlinePhrase(plan)}${hasErrors(plan) ? ' (with errors)' : ''}`
    : `### Mapping drift: ${total === 0 ? 'none' : headlinePhrase(plan)}`), '');
  out.push([...(options.facts ?? []), `store ${store}`].join(' · '), '');
  out.push(`**${(mode === 'drift' ? driftCountsLine : countsLine)(plan)}**`, '');
  // Freshness and the notes, once; the verdict below says who changes a read-only store's list.
  const lead = leadingFacts(plan).map((line) => text(line));
  if (lead.length > 0) out.push(lead.join('\n\n'), '');
  if (options.intro) out.push(options.intro, '');

  out.push(...(options.verdict !== undefined ? [options.verdict] : verdictOf(view, store)), '');
  if (n < total) out.push(...cutNote(view, shown, options.fullPlan), '');

  if (view.errors.length > 0) {
    out.push(`**Errors (${count(view.errors.length)})**`, '');
    out.push(...capped(view.errors, (e) => `- ❌ ${code(`${e.file}:${e.line}:${e.column}`)} ${code(e.code)} ${text(e.message)}`, 'error'), '');
  }
  if (view.guard && options.verdict !== undefined) out.push(warningItem(view.guard), '');
  if (view.warnings.length > 0) {
    out.push(`**Warnings (${count(view.warnings.length)})**`, '');
    out.push(...capped(view.warnings, warningItem, 'warning'), '');
  }

  if (plan.readOnly) {
    // The clicks are the body: a task list, removals first, in the same cut order as the tables.
    if (total > 0 && view.errors.length === 0) {
      out.push(`#### Clicks in the CRM plugin screen`, '', SCREENS_LINE, '');
      out.push(...taskListLines({
        removes: view.removes.slice(0, shown.remove),
        replaces: view.replaces.slice(0, shown.replace),
        adds: view.adds.slice(0, shown.add),
        totals: { removes: view.removes.length, replaces: view.replaces.length, adds: view.adds.length },
      }));
    }
    for (const section of options.appendix ?? []) out.push(section, '');
    if (options.footer) out.push(options.footer, '');
    return out.join('\n');
  }

  const asTable = total <= TABLE_MAX_CHANGES;
  const sections: Array<[ChangeView['kind'], ChangeView[], number]> = [
    ['remove', view.removes, shown.remove],
    ['replace', view.replaces, shown.replace],
    ['add', view.adds, shown.add],
  ];
  for (const [kind, all, k] of sections) {
    if (all.length === 0) continue;
    const rows = all.slice(0, k);
    const title = `#### ${SECTION_TITLES[mode][kind](all.length)}`;
    const body = rows.length === 0 ? '' : asTable ? table(rows, mode, options.sourceUrl) : diffBlock(rows, mode);
    const more = all.length - rows.length;
    const moreNote = more > 0 ? `_… and ${count(more)} more not listed here._` : '';
    if (kind === 'add' && rows.length > FOLD_ADDS_AFTER) {
      out.push(title, '', '<details>', `<summary>Show ${rows.length === all.length ? 'them' : `the first ${count(rows.length)}`}</summary>`, '', body, '', '</details>', '');
    } else {
      out.push(title, '');
      if (body) out.push(body, '');
    }
    if (moreNote) out.push(moreNote, '');
  }

  for (const section of options.appendix ?? []) out.push(section, '');
  if (options.footer) out.push(options.footer, '');
  return out.join('\n');
}

/** Renders the whole body, or as much as fits `options.budget`: removals first, then replaces, then adds. */
export function renderBody(plan: Plan, options: BodyOptions = {}): RenderedBody {
  const view = planView(plan, options.mode ?? 'plan');
  const total = inRiskOrder(view).length;
  const measure = options.measure ?? ((t: string) => t.length);
  const budget = options.budget ?? Infinity;
  const full = build(view, options, total);
  if (measure(full) <= budget) return { markdown: full, shown: total, total, truncated: false };
  // The size grows with every change listed, so bisect for the most that still fit.
  let low = 0;
  let high = total - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(build(view, options, mid)) <= budget) low = mid;
    else high = mid - 1;
  }
  let markdown = build(view, options, low);
  if (measure(markdown) > budget) markdown = hardCut(markdown, budget, measure);
  return { markdown, shown: low, total, truncated: true };
}

/** Last resort when even the fixed parts are too big: cut on a line boundary. */
function hardCut(markdown: string, budget: number, measure: (t: string) => number): string {
  const note = "\n\n… (cut to fit GitHub's size limit)\n";
  let body = markdown;
  while (body.length > 0 && measure(body + note) > budget) body = body.slice(0, Math.max(0, body.lastIndexOf('\n', Math.floor(body.length * 0.9))));
  return body + note;
}

/** `plan --format markdown` / `drift --format markdown`: the same body, whole. */
export function renderMarkdown(plan: Plan, options: { mode?: Mode } = {}): string {
  return renderBody(plan, { mode: options.mode }).markdown;
}
