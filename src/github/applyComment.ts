// `apply --github-comment`: the outcome of an apply on the pull request that was merged into the
// pushed commit (GET /repos/{owner}/{repo}/commits/{sha}/pulls). One apply comment per PR,
// found by its marker and edited in place when the apply workflow is re-run.
import type { CommandContext } from '../context.js';
import { MapsyncError } from '../errors.js';
import { redact } from '../secrets.js';
import { createGitHubClient, withGitHub, type GitHubClient } from './client.js';
import { readGitHubContext, type GitHubContext } from './context.js';
import { APPLY_MARKER, renderApplyComment, type ApplyReport } from './applyMarkdown.js';
import { findMarkedComments } from './planComment.js';

interface AssociatedPull {
  number: number;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
}

/**
 * The PR merged into `sha`: the one whose merge (or squash) commit it is, else any merged PR
 * GitHub associates with it. Open PRs that merely contain the commit are not "the merged PR".
 */
export function mergedPullOf(pulls: readonly AssociatedPull[], sha: string): number | undefined {
  const merged = pulls.filter((p) => p.merged_at);
  return (merged.find((p) => p.merge_commit_sha === sha) ?? merged[0])?.number;
}

async function findMergedPull(octokit: GitHubClient, github: GitHubContext, sha: string): Promise<number | undefined> {
  const pulls = await withGitHub(`looking up the pull request of commit ${sha.slice(0, 7)}`, () =>
    octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, { owner: github.owner, repo: github.repo, commit_sha: sha, per_page: 100 }));
  return mergedPullOf(pulls, sha);
}

/** Posts (or updates) the apply comment; returns the PR number, or undefined when there was none. */
export async function publishApplyComment(report: ApplyReport, context: CommandContext): Promise<number | undefined> {
  const github = readGitHubContext(context.env);
  if (!github.sha) {
    throw new MapsyncError('no commit to find the pull request of: GITHUB_SHA is not set', { hint: 'run in a push workflow, or export GITHUB_SHA' });
  }
  const octokit = createGitHubClient(github, context.log);
  const pr = await findMergedPull(octokit, github, github.sha);
  if (pr === undefined) {
    context.log.info(`No pull request was merged into commit ${github.sha.slice(0, 7)}: the outcome is in the job summary only.`);
    return undefined;
  }
  const body = redact(renderApplyComment(report, { sha: github.sha, serverUrl: github.serverUrl, owner: github.owner, repo: github.repo, runUrl: github.runUrl }), context.env);
  const [existing] = await findMarkedComments(octokit, github, pr, APPLY_MARKER);
  if (existing) {
    await withGitHub(`editing the apply comment on #${pr}`, () =>
      octokit.rest.issues.updateComment({ owner: github.owner, repo: github.repo, comment_id: existing.id, body }));
    context.log.info(`Updated the apply outcome on pull request #${pr}.`);
  } else {
    await withGitHub(`commenting on #${pr}`, () =>
      octokit.rest.issues.createComment({ owner: github.owner, repo: github.repo, issue_number: pr, body }));
    context.log.info(`Posted the apply outcome on pull request #${pr}.`);
  }
  return pr;
}
