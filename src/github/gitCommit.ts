// One commit made through the git database API (blobs, a tree on base_tree, a commit), on top of
// the default branch as it is now, and the branch ref moved to it. No local git, no push rights
// beyond the token's: this is how `drift --github-pr` carries `suggest --write` edits.
import { createHash } from 'node:crypto';
import { MapsyncError } from '../errors.js';
import { withGitHub, type GitHubClient } from './client.js';
import type { FileChange } from '../model.js';
import type { GitHubContext } from './context.js';

export type { FileChange };


/** The SHA git gives a blob: lets us compare a file with the default branch without downloading it. */
export function gitBlobSha(text: string): string {
  const buffer = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${buffer.length}\0`).update(buffer).digest('hex');
}

export async function defaultBranch(octokit: GitHubClient, github: GitHubContext): Promise<string> {
  const { data } = await withGitHub('reading the repository', () => octokit.rest.repos.get({ owner: github.owner, repo: github.repo }));
  return data.default_branch;
}

export async function branchHead(octokit: GitHubClient, github: GitHubContext, branch: string): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.git.getRef({ owner: github.owner, repo: github.repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
}

/**
 * A commit holding `changes` on top of `base`'s head. Refuses when a file it changes is no longer
 * what the checkout held (the default branch moved meanwhile): the edits were computed from the
 * checkout, and writing them over newer text would undo someone's change.
 */
export async function commitOnTop(octokit: GitHubClient, github: GitHubContext, args: { base: string; changes: readonly FileChange[]; message: string }): Promise<{ sha: string; parent: string }> {
  const repo = { owner: github.owner, repo: github.repo };
  const parent = await withGitHub(`reading branch ${args.base}`, () => branchHead(octokit, github, args.base));
  if (!parent) throw new MapsyncError(`the default branch ${args.base} does not exist on GitHub`);
  const commit = await withGitHub('reading the default branch commit', () => octokit.rest.git.getCommit({ ...repo, commit_sha: parent }));
  const tree = await withGitHub('reading the default branch tree', () => octokit.rest.git.getTree({ ...repo, tree_sha: commit.data.tree.sha, recursive: 'true' }));
  const current = new Map(tree.data.tree.filter((e) => e.type === 'blob' && e.path).map((e) => [e.path!, e.sha!]));
  for (const change of args.changes) {
    const there = current.get(change.path);
    const expected = change.before === undefined ? undefined : gitBlobSha(change.before);
    if (there !== expected) {
      throw new MapsyncError(`${change.path} on ${args.base} is not what this checkout holds (the branch moved since the run started); no pull request was changed`, {
        hint: 'run the drift workflow again: it checks out the newest commit',
      });
    }
  }
  const entries: { path: string; mode: '100644'; type: 'blob'; sha: string }[] = [];
  for (const change of args.changes) {
    const blob = await withGitHub(`uploading ${change.path}`, () =>
      octokit.rest.git.createBlob({ ...repo, content: Buffer.from(change.after, 'utf8').toString('base64'), encoding: 'base64' }));
    entries.push({ path: change.path, mode: '100644', type: 'blob', sha: blob.data.sha });
  }
  const newTree = await withGitHub('writing the tree', () => octokit.rest.git.createTree({ ...repo, base_tree: commit.data.tree.sha, tree: entries }));
  const created = await withGitHub('writing the commit', () => octokit.rest.git.createCommit({ ...repo, message: args.message, tree: newTree.data.sha, parents: [parent] }));
  return { sha: created.data.sha, parent };
}

/** Points `branch` at `sha`: created when missing, else moved with force (it is mapsync's own branch). */
export async function moveBranch(octokit: GitHubClient, github: GitHubContext, branch: string, sha: string): Promise<void> {
  const repo = { owner: github.owner, repo: github.repo };
  const existing = await withGitHub(`reading branch ${branch}`, () => branchHead(octokit, github, branch));
  if (existing === undefined) {
    await withGitHub(`creating branch ${branch}`, () => octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha }));
  } else {
    await withGitHub(`moving branch ${branch}`, () => octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha, force: true }));
  }
}

export async function deleteBranch(octokit: GitHubClient, github: GitHubContext, branch: string): Promise<void> {
  try {
    await octokit.rest.git.deleteRef({ owner: github.owner, repo: github.repo, ref: `heads/${branch}` });
  } catch (err) {
    // 422 "Reference does not exist": already gone, which is what we wanted.
    if ((err as { status?: number }).status !== 422 && (err as { status?: number }).status !== 404) throw err;
  }
}
