// `GET /repos/{owner}/{repo}/commits/{sha}/pulls` for the fake GitHub API: the pull requests a
// commit belongs to. On GitHub, for a commit on the default branch this is the merged pull
// request that brought it in (a merge or squash commit is the PR's `merge_commit_sha`); for a
// commit elsewhere it lists the open and merged PRs whose branch holds it. An unknown commit
// is 422 "No commit found for SHA". Tests seed the associations directly (not through HTTP).
import type { ServerResponse } from 'node:http';
import type { FakeIssue } from '../githubServer.js';

export interface AssociatedPull {
  number: number;
  state: 'open' | 'closed';
  /** ISO time, or null for a PR that is not merged. */
  mergedAt: string | null;
  mergeCommitSha: string | null;
  headRef: string;
  headSha: string;
  baseRef: string;
}

export interface CommitPullsSeeding {
  /** A merged PR whose merge (or squash) commit is `sha`; also creates the PR as an issue, so it can be commented on. */
  seedMergedPull(sha: string, options?: { title?: string; headRef?: string }): AssociatedPull;
  /** An open PR whose branch holds `sha` (GitHub lists these too). */
  seedOpenPull(sha: string, options?: { title?: string; headRef?: string }): AssociatedPull;
  /** A commit GitHub knows but that belongs to no pull request (a direct push). */
  seedLoneCommit(sha: string): void;
}

export interface CommitPullsContext {
  owner: string;
  repo: string;
  base(): string;
  issues: FakeIssue[];
  /** PRs and issues share one number sequence, as on GitHub. */
  nextIssueNumber(): number;
  json(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void;
  page<T>(res: ServerResponse, url: URL, items: T[], render: (t: T) => unknown): void;
}

export function commitPullsRoutes(ctx: CommitPullsContext): CommitPullsSeeding & {
  handle(method: string, path: string, url: URL, res: ServerResponse): boolean;
} {
  const byCommit = new Map<string, AssociatedPull[]>();

  const pullJson = (p: AssociatedPull) => ({
    id: 7000 + p.number,
    number: p.number,
    state: p.state,
    html_url: `https://github.com/${ctx.owner}/${ctx.repo}/pull/${p.number}`,
    url: `${ctx.base()}/repos/${ctx.owner}/${ctx.repo}/pulls/${p.number}`,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    head: { ref: p.headRef, sha: p.headSha, label: `${ctx.owner}:${p.headRef}` },
    base: { ref: p.baseRef, label: `${ctx.owner}:${p.baseRef}` },
  });

  function seed(sha: string, merged: boolean, options: { title?: string; headRef?: string }): AssociatedPull {
    const issue: FakeIssue = { number: ctx.nextIssueNumber(), title: options.title ?? 'Update mappings', body: '', state: merged ? 'closed' : 'open', stateReason: merged ? 'completed' : null, labels: [], isPullRequest: true };
    ctx.issues.push(issue);
    const pull: AssociatedPull = {
      number: issue.number,
      state: issue.state,
      mergedAt: merged ? new Date().toISOString() : null,
      mergeCommitSha: merged ? sha : null,
      headRef: options.headRef ?? `change-${issue.number}`,
      headSha: merged ? `${issue.number}`.padStart(40, 'a') : sha,
      baseRef: 'main',
    };
    const list = byCommit.get(sha) ?? [];
    list.push(pull);
    byCommit.set(sha, list);
    return pull;
  }

  return {
    handle(method, path, url, res) {
      const m = /^\/commits\/([^/]+)\/pulls$/.exec(path);
      if (!m || method !== 'GET') return false;
      const pulls = byCommit.get(decodeURIComponent(m[1]!));
      if (!pulls) {
        ctx.json(res, 422, { message: `No commit found for SHA: ${m[1]}`, documentation_url: 'https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit', status: '422' });
        return true;
      }
      ctx.page(res, url, pulls, pullJson);
      return true;
    },
    seedMergedPull: (sha, options = {}) => seed(sha, true, options),
    seedOpenPull: (sha, options = {}) => seed(sha, false, options),
    seedLoneCommit(sha) {
      if (!byCommit.has(sha)) byCommit.set(sha, []);
    },
  };
}
