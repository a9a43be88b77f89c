// The open issues mapsync keeps under one label (the drift issue, the clicks issue), and the
// label itself: listed and created the same way for each.
import type { GitHubClient } from './client.js';
import { withGitHub } from './client.js';
import type { GitHubContext } from './context.js';

export interface OpenIssue {
  number: number;
  html_url?: string;
  body?: string | null;
  pull_request?: unknown;
}

/** Open issues with `label`, oldest first; pull requests (which the endpoint also lists) left out. */
export async function openIssuesLabelled(octokit: GitHubClient, github: GitHubContext, label: string): Promise<OpenIssue[]> {
  const issues = await withGitHub(`listing open ${label} issues`, () =>
    octokit.paginate(octokit.rest.issues.listForRepo, {
      owner: github.owner,
      repo: github.repo,
      labels: label,
      state: 'open',
      per_page: 100,
    }));
  return issues.filter((issue) => !issue.pull_request).sort((a, b) => a.number - b.number);
}

/** Creates the label when the repository does not have it yet. */
export async function ensureLabel(octokit: GitHubClient, github: GitHubContext, label: { name: string; color: string; description: string }): Promise<void> {
  try {
    await octokit.rest.issues.getLabel({ owner: github.owner, repo: github.repo, name: label.name });
    return;
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err;
  }
  try {
    await octokit.rest.issues.createLabel({ owner: github.owner, repo: github.repo, ...label });
  } catch (err) {
    // 422 "already_exists": another run created it between our two calls.
    if ((err as { status?: number }).status !== 422) throw err;
  }
}
