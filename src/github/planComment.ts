// `plan --github-comment`: exactly one plan comment per pull request, found by its hidden
// marker on any page of the PR's comments, created once and edited in place after that.
// (The plan command itself appends the full plan to the job summary.)
import type { CommandContext } from '../cli/context.js';
import type { Plan } from '../model.js';
import { redact } from '../secrets.js';
import { createGitHubClient, withGitHub, type GitHubClient } from './client.js';
import { readGitHubContext, resolvePullRequest, type GitHubContext } from './context.js';
import { BODY_LIMIT } from './limits.js';
import { PLAN_MARKER, renderPlanFailureMarkdown, renderPlanMarkdown } from './planMarkdown.js';

/** Headroom under GitHub's limit, so redaction or a counting difference can never tip us over. */
const COMMENT_BUDGET = BODY_LIMIT - 512;

export interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
}

/** Every comment on the issue or PR whose body starts with `marker`, oldest first (all pages). */
export async function findMarkedComments(octokit: GitHubClient, github: GitHubContext, issueNumber: number, marker: string): Promise<IssueComment[]> {
  const comments = await withGitHub(`reading the comments of #${issueNumber}`, () =>
    octokit.paginate(octokit.rest.issues.listComments, {
      owner: github.owner,
      repo: github.repo,
      issue_number: issueNumber,
      per_page: 100,
    }));
  // Only a body that *starts* with the marker is ours: someone quoting it does not count.
  return comments.filter((c) => (c.body ?? '').trimStart().startsWith(marker));
}

function fullPlanHint(github: GitHubContext): string {
  return github.runUrl
    ? `The full plan is in the [job summary](${github.runUrl}).`
    : 'Run `npx mapsync plan` to see all of it.';
}

/** Creates the marked comment, edits it in place, or leaves it when unchanged; removes racing duplicates. */
async function upsertPlanComment(octokit: GitHubClient, github: GitHubContext, issueNumber: number, body: string, log: CommandContext['log']): Promise<void> {
  const existing = await findMarkedComments(octokit, github, issueNumber, PLAN_MARKER);
  const [keep, ...duplicates] = existing;
  let url: string | undefined;
  if (!keep) {
    const created = await withGitHub(`commenting on #${issueNumber}`, () =>
      octokit.rest.issues.createComment({ owner: github.owner, repo: github.repo, issue_number: issueNumber, body }));
    url = created.data.html_url;
    log.info(`Posted the plan on pull request #${issueNumber}${url ? `: ${url}` : ''}`);
  } else if (keep.body === body) {
    url = keep.html_url;
    log.info(`The plan comment on pull request #${issueNumber} is already up to date${url ? `: ${url}` : ''}`);
  } else {
    const updated = await withGitHub(`editing the plan comment on #${issueNumber}`, () =>
      octokit.rest.issues.updateComment({ owner: github.owner, repo: github.repo, comment_id: keep.id, body }));
    url = updated.data.html_url;
    log.info(`Updated the plan comment on pull request #${issueNumber}${url ? `: ${url}` : ''}`);
  }
  // Two runs racing can each create a comment; the older one wins and the extras go.
  for (const duplicate of duplicates) {
    await withGitHub(`removing a duplicate plan comment on #${issueNumber}`, () =>
      octokit.rest.issues.deleteComment({ owner: github.owner, repo: github.repo, comment_id: duplicate.id }));
  }
}

export async function publishPlanComment(args: { plan: Plan; pr: number | undefined; context: CommandContext }): Promise<void> {
  const { plan, context } = args;
  const github = readGitHubContext(context.env);
  const issueNumber = resolvePullRequest(args.pr, github);
  const octokit = createGitHubClient(github, context.log);
  const common = { sha: github.sha, serverUrl: github.serverUrl, owner: github.owner, repo: github.repo, runUrl: github.runUrl };

  const comment = renderPlanMarkdown(plan, { ...common, marker: PLAN_MARKER, budget: COMMENT_BUDGET, fullPlanHint: fullPlanHint(github) });
  await upsertPlanComment(octokit, github, issueNumber, redact(comment.markdown, context.env), context.log);

  if (comment.truncated) {
    const where = context.env.GITHUB_STEP_SUMMARY ? 'the full plan is in the job summary' : 'run `mapsync plan` for the full plan';
    context.log.warn(`the plan has ${plan.changes.length} changes: the comment shows ${comment.shownChanges}; ${where}`);
  }
}

/**
 * When plan fails before there is a plan (invalid YAML, store unreachable), the comment must not
 * keep showing an older commit's plan as if it were current: it says this commit has no plan.
 */
export async function publishPlanFailure(args: { message: string; pr: number | undefined; context: CommandContext }): Promise<void> {
  const { context } = args;
  const github = readGitHubContext(context.env);
  const issueNumber = resolvePullRequest(args.pr, github);
  const octokit = createGitHubClient(github, context.log);
  const body = redact(renderPlanFailureMarkdown(args.message, github), context.env);
  await upsertPlanComment(octokit, github, issueNumber, body, context.log);
}
