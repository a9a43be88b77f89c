// `drift --github-issue`: at most one open issue labelled `mapping-drift`. Opened (or its body
// refreshed) while the live store differs from mappings/, closed with a comment once it does not.
import type { CommandContext } from '../context.js';
import type { Plan } from '../model.js';
import { redact } from '../secrets.js';
import { createGitHubClient, withGitHub } from './client.js';
import { readGitHubContext, type GitHubContext } from './context.js';
import { BODY_LIMIT } from './limits.js';
import { code, link } from '../markdown/escape.js';
import { countsPhrase, hasErrors, renderBody } from '../plan/render/index.js';
import { commitLink, fullPlanSentence } from './markdown.js';
import { githubBody } from './planMarkdown.js';
import { ensureLabel, openIssuesLabelled } from './labelledIssues.js';
import { syncClicksIssue } from './clicksIssue.js';

export const DRIFT_LABEL = 'mapping-drift';
export const DRIFT_MARKER = '<!-- mapsync:drift -->';
const LABEL_COLOR = 'd93f0b';
const LABEL_DESCRIPTION = 'The live user mappings differ from mappings/ (opened and closed by mapsync drift)';

function when(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The open suggestions pull request (drift --github-pr), when there is one. */
export interface SuggestionsLink {
  number: number;
  url: string;
}

const storeName = (plan: Plan) => code(plan.store);

function resolveSteps(plan: Plan, suggestions?: SuggestionsLink): string {
  return [
    ...(suggestions ? [`**Suggested fix:** [pull request #${suggestions.number}](${suggestions.url}) proposes edits to \`mappings/\` from the user directories (seats that changed hands).`, ''] : []),
    '**To resolve**, pick one:',
    '- The live change was intended: run `npx mapsync import` to capture the live mappings, and merge the difference into `mappings/` through a pull request.',
    `- It was not: run the **mapsync apply** workflow (or \`npx mapsync apply --auto-approve\`) to put ${storeName(plan)} back in line with \`mappings/\`.`,
    '',
    'This issue is updated by every drift check and closes itself once the store is back in sync.',
  ].join('\n');
}

export function renderDriftIssue(plan: Plan, github: GitHubContext, suggestions?: SuggestionsLink, fullPlanIn: 'summary' | 'artifact' = 'summary'): { title: string; body: string } {
  const errorsNote = hasErrors(plan) ? ' and errors' : '';
  const rendered = renderBody(plan, githubBody(github, {
    marker: DRIFT_MARKER,
    budget: BODY_LIMIT - 512,
    mode: 'drift',
    heading: `### The live mappings in ${storeName(plan)} differ from \`mappings/\``,
    intro: `Checked ${when()}. Each row is what \`apply\` would change to bring the store back to \`mappings/\`.`,
    verdict: '',
    fullPlan: github.runUrl && fullPlanIn === 'summary' ? fullPlanSentence(github, 'summary') : 'Run `npx mapsync drift` to see every change.',
    footer: resolveSteps(plan, suggestions),
  }));
  const phrase = plan.changes.length > 0 ? countsPhrase(plan) : 'plan errors';
  return { title: `Mapping drift: ${phrase}${plan.changes.length > 0 ? errorsNote : ''}`, body: rendered.markdown };
}

export async function syncDriftIssue(args: { plan: Plan; context: CommandContext; suggestionsPr?: SuggestionsLink; fullPlanIn?: 'summary' | 'artifact' }): Promise<void> {
  const { plan, context } = args;
  // The plugin's own list (a read-only store) drifts into clicks to make: they are tracked in the
  // one `mapsync-clicks` issue, closed once the list matches; apply could not put it back.
  if (plan.readOnly) {
    await syncClicksIssue({ plan, context, by: 'drift' });
    return;
  }
  const github = readGitHubContext(context.env);
  const octokit = createGitHubClient(github, context.log);
  // Plan errors (e.g. a mapped user deleted in the CRM) are drift too: someone must look.
  const drifted = plan.changes.length > 0 || hasErrors(plan);
  const open = await openIssuesLabelled(octokit, github, DRIFT_LABEL);
  const [current, ...extras] = open;
  const base = { owner: github.owner, repo: github.repo };

  if (!drifted) {
    if (!current) {
      context.log.info('No drift and no open drift issue: nothing to do');
      return;
    }
    const commit = commitLink(github);
    const resolved = redact(
      `Drift resolved: ${storeName(plan)} matches \`mappings/\` again (checked ${when()}${commit ? `, commit ${commit}` : ''}${github.runUrl ? `, ${link('workflow run', github.runUrl)}` : ''}). Closing.`,
      context.env);
    for (const issue of open) {
      await withGitHub(`commenting on drift issue #${issue.number}`, () =>
        octokit.rest.issues.createComment({ ...base, issue_number: issue.number, body: resolved }));
      await withGitHub(`closing drift issue #${issue.number}`, () =>
        octokit.rest.issues.update({ ...base, issue_number: issue.number, state: 'closed', state_reason: 'completed' }));
      context.log.info(`Drift resolved: closed issue #${issue.number}`);
    }
    return;
  }

  const { title, body: rawBody } = renderDriftIssue(plan, github, args.suggestionsPr, args.fullPlanIn);
  const body = redact(rawBody, context.env);
  const safeTitle = redact(title, context.env);
  await withGitHub(`creating the ${DRIFT_LABEL} label`, () => ensureLabel(octokit, github, { name: DRIFT_LABEL, color: LABEL_COLOR, description: LABEL_DESCRIPTION }));
  if (!current) {
    const created = await withGitHub('opening the drift issue', () =>
      octokit.rest.issues.create({ ...base, title: safeTitle, body, labels: [DRIFT_LABEL] }));
    context.log.info(`Drift found: opened issue #${created.data.number}${created.data.html_url ? ` ${created.data.html_url}` : ''}`);
  } else {
    await withGitHub(`updating drift issue #${current.number}`, () =>
      octokit.rest.issues.update({ ...base, issue_number: current.number, title: safeTitle, body }));
    context.log.info(`Drift found: updated issue #${current.number}${current.html_url ? ` ${current.html_url}` : ''}`);
  }
  // At most one open drift issue: fold any extras (opened by hand or by a race) into the first.
  for (const extra of extras) {
    await withGitHub(`closing duplicate drift issue #${extra.number}`, async () => {
      await octokit.rest.issues.createComment({ ...base, issue_number: extra.number, body: `Duplicate of #${current!.number}, which tracks this drift.` });
      await octokit.rest.issues.update({ ...base, issue_number: extra.number, state: 'closed', state_reason: 'not_planned' });
    });
  }
}
