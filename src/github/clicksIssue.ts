// The `mapsync-clicks` issue: for a read-only store (the CRM plugin's own list, CONTRACT §12) the
// plan is clicks an admin makes in the plugin screen, and this one open issue holds them as a
// task list. `apply --github-issue` opens it (or updates it in place) for the pushed commit;
// `drift --github-issue` reads the plugin's list again, updates the steps that remain, and closes
// it with a comment once the list matches mappings/. That closes the loop: plan → clicks → verified.
import type { CommandContext } from '../context.js';
import { code, link, plural } from '../markdown/escape.js';
import type { Plan } from '../model.js';
import { hasChanges, hasErrors, renderBody } from '../plan/render/index.js';
import { asOfPhrase, utcMinute } from '../plan/render/readOnly.js';
import { redact } from '../secrets.js';
import { createGitHubClient, withGitHub } from './client.js';
import { readGitHubContext, type GitHubContext } from './context.js';
import { ensureLabel, openIssuesLabelled } from './labelledIssues.js';
import { BODY_LIMIT } from './limits.js';
import { commitLink } from './markdown.js';
import { githubBody } from './planMarkdown.js';

export const CLICKS_LABEL = 'mapsync-clicks';
export const CLICKS_MARKER = '<!-- mapsync:clicks -->';
const LABEL = {
  name: CLICKS_LABEL,
  color: '1d76db',
  description: "Clicks to make in the CRM plugin screen so its mapped-user list matches mappings/ (kept by mapsync apply and drift)",
};

export interface ClicksIssueOutcome {
  state: 'opened' | 'updated' | 'closed' | 'none';
  number?: number;
  url?: string;
}

const shortSha = (sha: string | undefined) => (sha && /^[0-9a-f]{7,64}$/i.test(sha) ? sha.slice(0, 7) : undefined);

/** Now, written the way the freshness line writes its time ("2026-11-30 08:15 UTC"). */
function when(): string {
  return utcMinute(new Date().toISOString());
}

export function renderClicksIssue(plan: Plan, github: GitHubContext, by: 'apply' | 'drift'): { title: string; body: string } {
  const clicks = plan.summary.remove + plan.summary.add;
  const sha = shortSha(github.sha);
  const checked = by === 'apply'
    ? `Planned ${when()} by \`mapsync apply\` for the pushed commit.`
    : `Checked again ${when()} by \`mapsync drift\`: these clicks remain.`;
  const rendered = renderBody(plan, githubBody(github, {
    marker: CLICKS_MARKER,
    budget: BODY_LIMIT - 512,
    mode: 'plan',
    heading: `### ${plural(clicks, 'click')} to make in the CRM plugin screen`,
    intro: checked,
    verdict: hasErrors(plan)
      ? '> [!CAUTION]\n> **No clicks listed:** the plan has errors (users the directories do not know). Fix `mappings/` first.'
      : `**The plugin's list (${code(plan.store)}) does not match \`mappings/\` yet:** ${clicks === 1 ? 'this click makes' : `these ${plural(clicks, 'click')} make`} it match, every removal before every addition.`,
    fullPlan: 'Run `npx mapsync plan --format checklist` to see every click.',
    footer: [
      'Tick each box as you make the click. Nothing but the plugin screen changes this list;',
      '`mapsync drift --github-issue` reads it again on its schedule, updates the steps that remain,',
      'and closes this issue once the list matches `mappings/`.',
    ].join('\n'),
  }));
  const title = `Plugin mappings: ${plural(clicks, 'click')} to make${sha ? ` for ${sha}` : ''}`;
  return { title, body: rendered.markdown };
}

/**
 * Keeps the one open clicks issue in step with `plan` (a read-only store's plan): opened or
 * updated while there are clicks to make, closed with a comment once there are none. Throws
 * (a one-line MapsyncError) when GitHub cannot be reached or refuses.
 */
export async function syncClicksIssue(args: { plan: Plan; context: CommandContext; by: 'apply' | 'drift' }): Promise<ClicksIssueOutcome> {
  const { plan, context, by } = args;
  const github = readGitHubContext(context.env);
  const octokit = createGitHubClient(github, context.log);
  const base = { owner: github.owner, repo: github.repo };
  const open = await openIssuesLabelled(octokit, github, CLICKS_LABEL);
  const [current, ...extras] = open;

  if (!hasChanges(plan) && !hasErrors(plan)) {
    if (!current) {
      context.log.info(`No clicks to make and no open ${CLICKS_LABEL} issue: nothing to do`);
      return { state: 'none' };
    }
    const commit = commitLink(github);
    const fresh = plan.asOf ? `, ${asOfPhrase(plan.asOf)}` : '';
    const done = redact(
      `Verified: the plugin's list (${code(plan.store)}${fresh}) matches \`mappings/\` (checked ${when()} by \`mapsync ${by}\`${commit ? `, commit ${commit}` : ''}${github.runUrl ? `, ${link('workflow run', github.runUrl)}` : ''}). Every click is made. Closing.`,
      context.env);
    for (const issue of open) {
      await withGitHub(`commenting on ${CLICKS_LABEL} issue #${issue.number}`, () =>
        octokit.rest.issues.createComment({ ...base, issue_number: issue.number, body: done }));
      await withGitHub(`closing ${CLICKS_LABEL} issue #${issue.number}`, () =>
        octokit.rest.issues.update({ ...base, issue_number: issue.number, state: 'closed', state_reason: 'completed' }));
      context.log.info(`The plugin's list matches mappings/: closed issue #${issue.number}`);
    }
    return { state: 'closed', number: current.number, ...(current.html_url ? { url: current.html_url } : {}) };
  }

  const rendered = renderClicksIssue(plan, github, by);
  const title = redact(rendered.title, context.env);
  const body = redact(rendered.body, context.env);
  await withGitHub(`creating the ${CLICKS_LABEL} label`, () => ensureLabel(octokit, github, LABEL));
  let outcome: ClicksIssueOutcome;
  if (!current) {
    const created = await withGitHub(`opening the ${CLICKS_LABEL} issue`, () =>
      octokit.rest.issues.create({ ...base, title, body, labels: [CLICKS_LABEL] }));
    outcome = { state: 'opened', number: created.data.number, ...(created.data.html_url ? { url: created.data.html_url } : {}) };
  } else {
    await withGitHub(`updating ${CLICKS_LABEL} issue #${current.number}`, () =>
      octokit.rest.issues.update({ ...base, issue_number: current.number, title, body }));
    outcome = { state: 'updated', number: current.number, ...(current.html_url ? { url: current.html_url } : {}) };
  }
  // One open clicks issue: any extra (opened by hand or by a race) is folded into the first.
  for (const extra of extras) {
    await withGitHub(`closing duplicate ${CLICKS_LABEL} issue #${extra.number}`, async () => {
      await octokit.rest.issues.createComment({ ...base, issue_number: extra.number, body: `Duplicate of #${outcome.number}, which lists the clicks to make.` });
      await octokit.rest.issues.update({ ...base, issue_number: extra.number, state: 'closed', state_reason: 'not_planned' });
    });
  }
  context.log.info(`${outcome.state === 'opened' ? 'Opened' : 'Updated'} issue #${outcome.number}${outcome.url ? ` ${outcome.url}` : ''}: the clicks to make in the plugin screen`);
  return outcome;
}
