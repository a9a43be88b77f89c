// `plan --github-comment`: exactly one plan comment per pull request, found by its hidden
// marker on any page of the PR's comments, created once and edited in place after that.
// (The plan command itself appends the full plan to the job summary.)
import type { CommandContext } from '../context.js';
import type { ErrorDetail } from '../errors.js';
import type { Plan } from '../model.js';
import { redact } from '../secrets.js';
import { createGitHubClient, withGitHub, type GitHubClient } from './client.js';
import { readGitHubContext, resolvePullRequest, type GitHubContext } from './context.js';
import { BODY_LIMIT } from './limits.js';
import { fullPlanSentence, type FullPlanPlace } from './markdown.js';
import { checkPullRequestHead } from './pullRequestHead.js';
import { PLAN_MARKER, renderPlanComment, renderPlanFailureMarkdown } from './planMarkdown.js';

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

export interface PublishPlanArgs {
  plan: Plan;
  pr: number | undefined;
  context: CommandContext;
  /** Where every change is when the comment is cut: the job summary when the plan fitted in it, else the artifact. */
  fullPlanIn: FullPlanPlace;
  /** Extra folded sections (e.g. the plugin checklist), mapsync's own Markdown. */
  appendix?: string[];
  /** Used instead of `appendix` when the comment would be cut: the appendix never takes room from the changes. */
  appendixWhenCut?: string[];
}

export async function publishPlanComment(args: PublishPlanArgs): Promise<void> {
  const { plan, context } = args;
  const github = readGitHubContext(context.env);
  const issueNumber = resolvePullRequest(args.pr, github);
  const octokit = createGitHubClient(github, context.log);
  await checkPullRequestHead(octokit, github, issueNumber);
  const render = (appendix: string[] | undefined) => renderPlanComment(plan, github, { budget: COMMENT_BUDGET, fullPlan: fullPlanSentence(github, args.fullPlanIn), appendix });
  let comment = render(args.appendix);
  if (comment.truncated && args.appendixWhenCut) comment = render(args.appendixWhenCut);
  await upsertPlanComment(octokit, github, issueNumber, redact(comment.markdown, context.env), context.log);
  if (comment.truncated) {
    const where = !github.runUrl ? 'run `mapsync plan` for the full plan' : args.fullPlanIn === 'summary' ? 'the full plan is in the job summary' : 'the full plan is in the mapsync-plan artifact';
    context.log.warn(`the plan has ${comment.total.toLocaleString('en-US')} changes: the comment lists ${comment.shown.toLocaleString('en-US')} (removals first); ${where}`);
  }
}

/**
 * When plan fails before there is a plan (invalid YAML, store unreachable), the comment must not
 * keep showing an older commit's plan as if it were current: it says this commit has no plan,
 * with the first errors.
 */
export async function publishPlanFailure(args: { message: string; errors?: readonly ErrorDetail[]; pr: number | undefined; context: CommandContext }): Promise<void> {
  const { context } = args;
  const github = readGitHubContext(context.env);
  const issueNumber = resolvePullRequest(args.pr, github);
  const octokit = createGitHubClient(github, context.log);
  await checkPullRequestHead(octokit, github, issueNumber);
  const body = redact(renderPlanFailureMarkdown(args.message, args.errors ?? [], github), context.env);
  await upsertPlanComment(octokit, github, issueNumber, body, context.log);
}
