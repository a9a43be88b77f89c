// The plan workflow that runs on `workflow_run` gets the pull request's number from an artifact
// the pull request's own checks uploaded: data the pull request controls. Before a comment goes
// anywhere, the number is checked against GitHub: that pull request's current head must be the
// commit this run was started for (workflow_run.head_sha, set by GitHub), and it must come from
// this repository. Otherwise a pull request could post its plan onto another one, or a commit
// that is no longer the head could overwrite the plan of the newer one.
import { MapsyncError } from '../errors.js';
import { withGitHub, type GitHubClient } from './client.js';
import { isWorkflowRun, type GitHubContext } from './context.js';

export async function checkPullRequestHead(octokit: GitHubClient, github: GitHubContext, issueNumber: number): Promise<void> {
  if (!isWorkflowRun(github)) return; // a pull_request run: GitHub itself names the pull request
  const expected = github.sha;
  if (!expected || !/^[0-9a-f]{40}$/.test(expected)) {
    throw new MapsyncError('no head commit in the workflow_run event: not commenting on a pull request the run cannot be tied to', {
      hint: 'run plan --github-comment from a workflow triggered by workflow_run (GitHub sets workflow_run.head_sha)',
    });
  }
  const pull = await withGitHub(`reading pull request #${issueNumber}`, () =>
    octokit.rest.pulls.get({ owner: github.owner, repo: github.repo, pull_number: issueNumber }));
  const head = pull.data.head;
  const headRepo = head.repo?.full_name ?? '';
  if (headRepo.toLowerCase() !== `${github.owner}/${github.repo}`.toLowerCase()) {
    throw new MapsyncError(`pull request #${issueNumber} comes from ${headRepo || 'a deleted fork'}, not ${github.owner}/${github.repo}: no plan is made with this repository's credentials for it`, {
      hint: 'a maintainer can push the branch to this repository to get a plan',
    });
  }
  if (head.sha !== expected) {
    throw new MapsyncError(`pull request #${issueNumber}'s head is ${head.sha.slice(0, 7)}, not ${expected.slice(0, 7)} (the commit this run was started for): no comment posted`, {
      hint: 'a newer push supersedes this run, and its own run posts the plan; a pull request number that does not match its commit is refused',
    });
  }
}
