// `drift --github-pr`: at most one open pull request from `mapsync/suggestions` holding the
// `suggest --write` edits as one commit on the current default branch (CONTRACT §7). Opened when
// there are suggestions, rebuilt when they change, left alone when they are the same, closed with
// a comment (and its branch deleted) when none remain. A PR opened with GITHUB_TOKEN starts no
// workflow, so the same run posts the plan comment on it.
//
// Data stays data: every name, email, ID and path from the directories or the YAML goes through
// the one escaping path (src/markdown/escape.ts `code`), so nothing in it becomes markup, a link,
// a mention or a reference.
import { createHash } from 'node:crypto';
import type { CommandContext } from '../context.js';
import type { Plan } from '../model.js';
import { code } from '../markdown/escape.js';
import { redact } from '../secrets.js';
import type { Suggestion, SuggestionSet, Unresolved } from '../suggest/model.js';
import { createGitHubClient, withGitHub, type GitHubClient } from './client.js';
import { readGitHubContext, type GitHubContext } from './context.js';
import { branchHead, commitOnTop, defaultBranch, deleteBranch, moveBranch, type FileChange } from './gitCommit.js';
import { BODY_LIMIT } from './limits.js';
import { publishPlanComment } from './planComment.js';

export const SUGGESTIONS_BRANCH = 'mapsync/suggestions';
export const SUGGESTIONS_LABEL = 'mapsync-suggestions';
export const SUGGESTIONS_MARKER = '<!-- mapsync:suggestions -->';
const FINGERPRINT_MARK = '<!-- mapsync:suggestions-fingerprint ';
const LABEL_COLOR = '0e8a16';
const LABEL_DESCRIPTION = 'Edits to mappings/ proposed by mapsync suggest (opened, updated and closed by mapsync drift --github-pr)';
/** Room left under GitHub's limit for redaction and the footer. */
const BODY_BUDGET = BODY_LIMIT - 2_048;

export interface SuggestionsPrInput {
  set: SuggestionSet;
  /** The suggestions the commit makes (at most suggest.maxSuggestions) and how many wait. */
  made: readonly Suggestion[];
  deferred: number;
  changes: readonly FileChange[];
  /** The plan of the suggested files against the live store (for the unsafe banner and the comment). */
  plan: Plan;
  context: CommandContext;
}

export interface SuggestionsPrResult {
  number: number;
  url: string;
  state: 'opened' | 'updated' | 'unchanged';
}

/** One value from the data, safe in any Markdown body: mapsync's one escaping path. */
export function data(text: string | number): string {
  return code(String(text));
}

const crm = (id: string, name: string | undefined) => `CRM user ${data(id)}${name ? ` ${data(name)}` : ''}`;
const seat = (id: number, name: string | undefined) => `Outreach user ${data(id)}${name ? ` ${data(name)}` : ''}`;
const at = (x: { file?: string; line?: number }) => (x.file === undefined ? '' : ` in ${data(x.line === undefined ? x.file : `${x.file}:${x.line}`)}`);

function suggestionLine(s: Suggestion, index: number): string {
  const what = s.action === 'add'
    ? `map ${crm(s.crmUserId, s.crmUser.name)} to ${seat(s.outreachUserId, s.outreachUser.name)}`
    : s.action === 'remove'
      ? `unmap ${crm(s.crmUserId, s.crmUser.name)} (inactive) from ${seat(s.outreachUserId, s.outreachUser.name)} (locked)`
      : `${seat(s.outreachUserId, s.outreachUser.name)}: ${crm(s.previousCrmUserId!, s.previousCrmUser?.name)} → ${crm(s.crmUserId, s.crmUser.name)}`;
  const why = {
    'new-seat': 'the seat is not mapped and this is the one active CRM user with its email',
    'crm-user-replaced': 'the mapped CRM user is inactive and this is the one active unmapped CRM user with the seat\'s email',
    'seat-repurposed': 'the two names differ and this is the one active unmapped CRM user with the seat\'s email',
    'user-gone': 'the Outreach seat is locked and the CRM user inactive',
  }[s.reason];
  return `${index + 1}. **${s.action}** ${data(s.reason)}${at(s)}: ${what}. Why: ${why}.`;
}

function unresolvedLine(u: Unresolved): string {
  return `- ${data(u.reason)}${at(u)}: ${data(u.detail)}`;
}

/** Stable over runs that would make the same edits (dates in notes do not count). */
export function suggestionsFingerprint(made: readonly Suggestion[], set: SuggestionSet, deferred: number): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(made.map((s) => [s.action, s.reason, s.crmUserId, s.outreachUserId, s.previousCrmUserId ?? null, s.file ?? null, s.line ?? null])));
  hash.update(JSON.stringify(set.unresolved.map((u) => [u.reason, u.crmUserId ?? null, u.outreachUserId ?? null, u.file ?? null, u.line ?? null])));
  hash.update(String(deferred));
  return `sha256:${hash.digest('hex')}`;
}

function countsTitle(made: readonly Suggestion[]): string {
  const count = (a: Suggestion['action']) => made.filter((s) => s.action === a).length;
  const parts = [['replace', count('replace')], ['remove', count('remove')], ['add', count('add')]].filter(([, n]) => (n as number) > 0).map(([a, n]) => `${(n as number).toLocaleString('en-US')} to ${a}`);
  return `mapsync suggestions: ${parts.join(', ')}`;
}

/** Adds lines while they fit the budget; the rest are counted in one closing line. */
function fitted(lines: string[], budget: number, more: (n: number) => string): { text: string; used: number } {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > budget) break;
    kept.push(line);
    used += line.length + 1;
  }
  if (kept.length < lines.length) kept.push(more(lines.length - kept.length));
  const text = kept.join('\n');
  return { text, used: text.length };
}

export function renderSuggestionsBody(input: { set: SuggestionSet; made: readonly Suggestion[]; deferred: number; plan: Plan; fingerprint: string; runUrl?: string }): string {
  const { set, made, deferred, plan } = input;
  const parts: string[] = [`${SUGGESTIONS_MARKER}\n${FINGERPRINT_MARK}${input.fingerprint} -->`];
  const unsafe = plan.warnings.find((w) => w.code === 'unsafe-removals');
  if (unsafe) {
    parts.push([
      '> [!CAUTION]',
      `> **The plan of this pull request is unsafe** (removal guard): ${data(unsafe.message)}`,
      '> Merged as it is, the apply workflow refuses it without `--force`. Check every removal below before merging, or close this pull request.',
    ].join('\n'));
  }
  const n = made.length;
  parts.push(`### mapsync suggests ${n.toLocaleString('en-US')} edit${n === 1 ? '' : 's'} to \`mappings/\``);
  parts.push([
    `The user directories (CRM users from ${data(set.sources.crm)}, Outreach users from ${data(set.sources.outreach)}) show seats that changed hands.`,
    'This pull request holds the edits `mapsync suggest --write` makes, as one commit on the default branch. Each edited entry\'s `note` says what changed and why.',
    'The plan comment below shows what applying them would change; merging runs the apply workflow like any other change.',
  ].join(' '));
  let budget = BODY_BUDGET - parts.join('\n\n').length - 1_000;
  const listed = fitted(made.map(suggestionLine), Math.floor(budget * 0.7), (rest) => `- … and ${rest.toLocaleString('en-US')} more in the commit (run \`npx mapsync suggest\` to list them)`);
  budget -= listed.used;
  parts.push(`**Suggestions** (${n.toLocaleString('en-US')}${deferred > 0 ? `; ${deferred.toLocaleString('en-US')} more beyond \`suggest.maxSuggestions\` follow once this is merged` : ''})\n\n${listed.text}`);
  if (set.unresolved.length > 0) {
    const doubts = fitted(set.unresolved.map(unresolvedLine), budget, (rest) => `- … and ${rest.toLocaleString('en-US')} more (run \`npx mapsync suggest\` to list them)`);
    parts.push(`**Unresolved** (${set.unresolved.length.toLocaleString('en-US')}): doubtful cases mapsync did not edit; a person decides.\n\n${doubts.text}`);
  }
  parts.push(`Opened and kept up to date by \`mapsync drift --github-pr\`${input.runUrl ? ` ([workflow run](${input.runUrl}))` : ''}: rebuilt when the suggestions change, closed when none remain. Edit \`mappings/\` in another pull request to settle an unresolved case.`);
  return parts.join('\n\n') + '\n';
}

function commitMessage(made: readonly Suggestion[]): string {
  // IDs and reasons only: commit messages are rendered too, and names are data.
  const lines = made.map((s) => `- ${s.action} ${s.reason}: ${s.previousCrmUserId ? `${s.previousCrmUserId} -> ` : ''}${s.crmUserId} / Outreach ${s.outreachUserId}${s.file ? ` (${s.file}${s.line ? `:${s.line}` : ''})` : ''}`);
  return `mapsync suggest: ${made.length} edit${made.length === 1 ? '' : 's'} to mappings/\n\n${lines.join('\n')}\n`;
}

interface OpenPull {
  number: number;
  html_url: string;
  body?: string | null;
  head: { sha: string };
}

async function openSuggestionsPull(octokit: GitHubClient, github: GitHubContext): Promise<OpenPull | undefined> {
  const pulls = await withGitHub('listing the open suggestions pull request', () =>
    octokit.paginate(octokit.rest.pulls.list, { owner: github.owner, repo: github.repo, head: `${github.owner}:${SUGGESTIONS_BRANCH}`, state: 'open', per_page: 100 }));
  // Only ours: a PR from the branch whose body carries the marker.
  return pulls.filter((p) => (p.body ?? '').startsWith(SUGGESTIONS_MARKER)).sort((a, b) => a.number - b.number)[0];
}

async function ensureLabel(octokit: GitHubClient, github: GitHubContext): Promise<void> {
  try {
    await octokit.rest.issues.getLabel({ owner: github.owner, repo: github.repo, name: SUGGESTIONS_LABEL });
    return;
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err;
  }
  try {
    await octokit.rest.issues.createLabel({ owner: github.owner, repo: github.repo, name: SUGGESTIONS_LABEL, color: LABEL_COLOR, description: LABEL_DESCRIPTION });
  } catch (err) {
    if ((err as { status?: number }).status !== 422) throw err; // created by a racing run
  }
}

/** The run's GitHub context as seen from the suggestions PR: links point at its commit. */
function prContext(context: CommandContext, sha: string): CommandContext {
  return { ...context, env: { ...context.env, GITHUB_SHA: sha, GITHUB_EVENT_PATH: '' } };
}

export async function syncSuggestionsPr(input: SuggestionsPrInput): Promise<SuggestionsPrResult | undefined> {
  const { context, made } = input;
  const github = readGitHubContext(context.env);
  const octokit = createGitHubClient(github, context.log);
  const repo = { owner: github.owner, repo: github.repo };
  const open = await openSuggestionsPull(octokit, github);

  if (made.length === 0) {
    if (open) {
      const body = `No suggestions remain: every mapping agrees with the directories${input.set.unresolved.length > 0 ? ` (${input.set.unresolved.length.toLocaleString('en-US')} unresolved case${input.set.unresolved.length === 1 ? '' : 's'} left for a person; run \`npx mapsync suggest\`)` : ''}. Closing; the branch \`${SUGGESTIONS_BRANCH}\` is deleted.${github.runUrl ? ` ([workflow run](${github.runUrl}))` : ''}`;
      await withGitHub(`commenting on pull request #${open.number}`, () => octokit.rest.issues.createComment({ ...repo, issue_number: open.number, body: redact(body, context.env) }));
      await withGitHub(`closing pull request #${open.number}`, () => octokit.rest.pulls.update({ ...repo, pull_number: open.number, state: 'closed' }));
      context.log.info(`No suggestions remain: closed pull request #${open.number}`);
    }
    // GitHub closes a PR whose head branch goes, so the branch is deleted only after the comment.
    if (await withGitHub(`reading branch ${SUGGESTIONS_BRANCH}`, () => branchHead(octokit, github, SUGGESTIONS_BRANCH))) {
      await withGitHub(`deleting branch ${SUGGESTIONS_BRANCH}`, () => deleteBranch(octokit, github, SUGGESTIONS_BRANCH));
    }
    return undefined;
  }

  const fingerprint = suggestionsFingerprint(made, input.set, input.deferred);
  const body = redact(renderSuggestionsBody({ ...input, fingerprint, runUrl: github.runUrl }), context.env);
  const title = redact(countsTitle(made), context.env);

  let result: SuggestionsPrResult;
  let head: string;
  if (open && (open.body ?? '').includes(`${FINGERPRINT_MARK}${fingerprint} -->`)) {
    head = open.head.sha;
    result = { number: open.number, url: open.html_url, state: 'unchanged' };
    context.log.info(`Suggestions unchanged: pull request #${open.number} left as it is ${open.html_url}`);
  } else {
    const base = await defaultBranch(octokit, github);
    const commit = await commitOnTop(octokit, github, { base, changes: input.changes, message: commitMessage(made) });
    await moveBranch(octokit, github, SUGGESTIONS_BRANCH, commit.sha);
    head = commit.sha;
    if (open) {
      await withGitHub(`updating pull request #${open.number}`, () => octokit.rest.pulls.update({ ...repo, pull_number: open.number, title, body }));
      result = { number: open.number, url: open.html_url, state: 'updated' };
      context.log.info(`Suggestions changed: pull request #${open.number} rebuilt on ${base} ${open.html_url}`);
    } else {
      const created = await withGitHub('opening the suggestions pull request', () =>
        octokit.rest.pulls.create({ ...repo, head: SUGGESTIONS_BRANCH, base, title, body, maintainer_can_modify: true }));
      await withGitHub(`creating the ${SUGGESTIONS_LABEL} label`, () => ensureLabel(octokit, github));
      await withGitHub(`labelling pull request #${created.data.number}`, () =>
        octokit.rest.issues.addLabels({ ...repo, issue_number: created.data.number, labels: [SUGGESTIONS_LABEL] }));
      result = { number: created.data.number, url: created.data.html_url, state: 'opened' };
      context.log.info(`Suggestions found: opened pull request #${created.data.number} ${created.data.html_url}`);
    }
  }
  // No workflow runs for a PR opened with GITHUB_TOKEN: the reviewer's plan comment comes from here.
  // This run's job summary and artifact hold drift, not this PR's plan: point at a local plan.
  await publishPlanComment({ plan: input.plan, pr: result.number, context: prContext(context, head), fullPlanIn: 'local' });
  return result;
}
