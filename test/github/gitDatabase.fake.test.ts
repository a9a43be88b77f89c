// The fake GitHub's repository, git database and pulls routes, driven by the real octokit the
// way a bot keeps one pull request: open -> update (force-moved branch) -> unchanged -> close.
// The client is mapsync's own (src/github/client.ts: @octokit/core and its plugins).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RequestError } from '@octokit/request-error';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';
import { createLogger } from '../../src/log.js';
import { startGitHubServer, type FakeGitHub } from '../fakes/githubServer.js';
import { gitBlobSha } from '../fakes/github/gitDatabase.js';
import { TOKEN } from './helpers.js';

let github: FakeGitHub;
let octokit: GitHubClient;
const repo = { owner: 'acme', repo: 'crm-mappings' };

beforeEach(async () => {
  github = await startGitHubServer({ token: TOKEN });
  octokit = createGitHubClient({ token: TOKEN, owner: 'acme', repo: 'crm-mappings', apiUrl: github.url, serverUrl: 'https://github.com', writeGapMs: 0 }, createLogger({ debug: false, quiet: true }));
});
afterEach(() => github.close());

async function status(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (err) {
    if (err instanceof RequestError) return err.status;
    throw err;
  }
}

/** One commit on top of `parent` that replaces `files` (blobs, a tree on base_tree, a commit). */
async function commitOnTop(parent: string, files: Record<string, string | null>, message: string): Promise<string> {
  const { data: parentCommit } = await octokit.rest.git.getCommit({ ...repo, commit_sha: parent });
  const tree = [];
  for (const [path, content] of Object.entries(files)) {
    if (content === null) {
      tree.push({ path, mode: '100644' as const, type: 'blob' as const, sha: null });
      continue;
    }
    const { data: blob } = await octokit.rest.git.createBlob({ ...repo, content: Buffer.from(content).toString('base64'), encoding: 'base64' });
    expect(blob.sha).toBe(gitBlobSha(content));
    tree.push({ path, mode: '100644' as const, type: 'blob' as const, sha: blob.sha });
  }
  const { data: newTree } = await octokit.rest.git.createTree({ ...repo, base_tree: parentCommit.tree.sha, tree });
  const { data: commit } = await octokit.rest.git.createCommit({ ...repo, message, tree: newTree.sha, parents: [parent] });
  return commit.sha;
}

describe('fake GitHub: repository, git database, pulls', () => {
  it('serves the default branch, refs, blobs, trees on base_tree and commits like GitHub', async () => {
    const main = github.git.seedCommit({ 'README.md': 'hello\n', 'mappings/team.yaml': 'mappings: []\n' });
    const { data: repository } = await octokit.rest.repos.get(repo);
    expect(repository.default_branch).toBe('main');
    const { data: ref } = await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' });
    expect(ref.object.sha).toBe(main);
    expect(await status(octokit.rest.git.getRef({ ...repo, ref: 'heads/nope' }))).toBe(404);

    const sha = await commitOnTop(main, { 'mappings/suggested.yaml': 'mappings: []\n', 'README.md': null }, 'suggest');
    expect(github.git.filesAt(sha)).toEqual({ 'mappings/team.yaml': 'mappings: []\n', 'mappings/suggested.yaml': 'mappings: []\n' });
    const { data: commit } = await octokit.rest.git.getCommit({ ...repo, commit_sha: sha });
    expect(commit.parents.map((p) => p.sha)).toEqual([main]);
    const { data: tree } = await octokit.rest.git.getTree({ ...repo, tree_sha: commit.tree.sha, recursive: 'true' });
    expect(tree.tree.map((e) => e.path).sort()).toEqual(['mappings/suggested.yaml', 'mappings/team.yaml']);
    const { data: blob } = await octokit.rest.git.getBlob({ ...repo, file_sha: gitBlobSha('mappings: []\n') });
    expect(Buffer.from(blob.content, 'base64').toString()).toBe('mappings: []\n');

    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/topic', sha });
    expect(await status(octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/topic', sha }))).toBe(422);
    // Moving a branch to a commit that does not contain it needs force.
    const sibling = await commitOnTop(main, { 'other.txt': 'x' }, 'sibling');
    expect(await status(octokit.rest.git.updateRef({ ...repo, ref: 'heads/topic', sha: sibling }))).toBe(422);
    await octokit.rest.git.updateRef({ ...repo, ref: 'heads/topic', sha: sibling, force: true });
    expect(github.git.headOf('topic')?.sha).toBe(sibling);
    await octokit.rest.git.deleteRef({ ...repo, ref: 'heads/topic' });
    expect(await status(octokit.rest.git.deleteRef({ ...repo, ref: 'heads/topic' }))).toBe(422);
    expect(await status(octokit.rest.git.createCommit({ ...repo, message: 'x', tree: '0'.repeat(40), parents: [main] }))).toBe(422);
  });

  it('keeps one pull request: open, update, unchanged, close (branch deleted)', async () => {
    const head = 'mapsync/suggestions';
    const main = github.git.seedCommit({ 'mappings/team.yaml': 'mappings: []\n' });
    const list = async () => (await octokit.rest.pulls.list({ ...repo, head: `acme:${head}`, state: 'open' })).data;

    // open
    expect(await list()).toEqual([]);
    const first = await commitOnTop(main, { 'mappings/suggested.yaml': 'a\n' }, 'one');
    await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${head}`, sha: first });
    const { data: pr } = await octokit.rest.pulls.create({ ...repo, head, base: 'main', title: 'Suggestions', body: 'first' });
    await octokit.rest.issues.addLabels({ ...repo, issue_number: pr.number, labels: ['mapsync-suggestions'] });
    expect(await status(octokit.rest.pulls.create({ ...repo, head, base: 'main', title: 'again' }))).toBe(422);
    const [listed] = await list();
    expect(listed).toMatchObject({ number: pr.number, head: { ref: head, sha: first }, base: { ref: 'main' }, body: 'first' });
    expect(listed!.labels.map((l) => l.name)).toEqual(['mapsync-suggestions']);
    // Issues and pulls share one number sequence, and the PR shows up among the issues.
    expect(github.issues.find((i) => i.number === pr.number)?.isPullRequest).toBe(true);

    // update: main moved, the branch is rebuilt on it and force-moved
    const newMain = github.git.seedCommit({ 'mappings/team.yaml': 'mappings: []\n', 'mappings/emea.yaml': 'mappings: []\n' });
    const second = await commitOnTop(newMain, { 'mappings/suggested.yaml': 'b\n' }, 'two');
    await octokit.rest.git.updateRef({ ...repo, ref: `heads/${head}`, sha: second, force: true });
    await octokit.rest.pulls.update({ ...repo, pull_number: pr.number, body: 'second' });
    expect((await list())[0]).toMatchObject({ head: { sha: second }, body: 'second' });
    expect(github.git.filesAt(head)).toEqual({ 'mappings/team.yaml': 'mappings: []\n', 'mappings/emea.yaml': 'mappings: []\n', 'mappings/suggested.yaml': 'b\n' });

    // unchanged: reading is enough, nothing moves
    const before = github.requests.filter((r) => r.method !== 'GET').length;
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: pr.number })).data.head.sha).toBe(second);
    expect(github.requests.filter((r) => r.method !== 'GET').length).toBe(before);

    // close with a comment, then delete the branch
    await octokit.rest.issues.createComment({ ...repo, issue_number: pr.number, body: 'nothing left' });
    await octokit.rest.pulls.update({ ...repo, pull_number: pr.number, state: 'closed' });
    await octokit.rest.git.deleteRef({ ...repo, ref: `heads/${head}` });
    expect(await list()).toEqual([]);
    expect(github.git.refs.has(`refs/heads/${head}`)).toBe(false);
    expect(await status(octokit.rest.pulls.update({ ...repo, pull_number: pr.number, state: 'open' }))).toBe(422);
  });

  it('closes an open pull request when its head branch is deleted, as GitHub does', async () => {
    const main = github.git.seedCommit({ 'a.txt': 'a' });
    const sha = await commitOnTop(main, { 'b.txt': 'b' }, 'b');
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/topic', sha });
    const { data: pr } = await octokit.rest.pulls.create({ ...repo, head: 'topic', base: 'main', title: 't' });
    await octokit.rest.git.deleteRef({ ...repo, ref: 'heads/topic' });
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: pr.number })).data.state).toBe('closed');
  });
});
