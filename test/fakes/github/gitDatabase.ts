// The repository, git database and pulls part of the fake GitHub API: GET /repos/{o}/{r},
// git refs (GET, POST 422 when it exists, PATCH with `force`, DELETE), blobs, trees (with
// `base_tree`), commits, pulls (list filtered by head/base/state, create, update) and issue
// labels. Blob SHAs are real git blob hashes, so a client can compare a local file with the
// tree without downloading it. Trees are kept flat (path -> entry) and served the way
// `?recursive=1` shows them; that is all mapsync reads. Deleting a branch closes the open
// pull requests whose head it is, as GitHub does.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FakeIssue } from '../githubServer.js';

export interface FakeTreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

export interface FakeCommit {
  sha: string;
  message: string;
  tree: string;
  parents: string[];
}

export interface FakePull {
  number: number;
  head: string;
  base: string;
  merged: boolean;
  /** The head commit at the time of the last change (GitHub's `head.sha`). */
  headSha: string;
  /** `owner/repo` of a fork's head (GitHub's `head.repo.full_name`), null once the fork is deleted; default: this repository. */
  headRepo?: string | null;
}

export interface GitDatabase {
  defaultBranch: string;
  blobs: Map<string, Buffer>;
  trees: Map<string, Map<string, FakeTreeEntry>>;
  commits: Map<string, FakeCommit>;
  /** Full ref name (refs/heads/main) -> commit SHA. */
  refs: Map<string, string>;
  pulls: Map<number, FakePull>;
}

/** What the main fake server shares with this module. */
export interface RouteContext {
  owner: string;
  repo: string;
  base(): string;
  issues: FakeIssue[];
  labels: Map<string, { name: string; color: string; description: string | null }>;
  /** Allocates the next issue/PR number (PRs and issues share one sequence on GitHub). */
  nextIssueNumber(): number;
  json(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void;
  page<T>(res: ServerResponse, url: URL, items: T[], render: (t: T) => unknown): void;
}

export function gitBlobSha(content: Buffer | string): string {
  const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${buffer.length}\0`).update(buffer).digest('hex');
}

function hashOf(kind: string, value: unknown): string {
  return createHash('sha1').update(kind).update(JSON.stringify(value)).digest('hex');
}

const notFound = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' };

function validation(message: string, errors: unknown[] = []): unknown {
  return { message, errors, documentation_url: 'https://docs.github.com/rest', status: '422' };
}

export function createGitDatabase(defaultBranch = 'main'): GitDatabase {
  return { defaultBranch, blobs: new Map(), trees: new Map(), commits: new Map(), refs: new Map(), pulls: new Map() };
}

/** Test-side helpers that act on the database directly (not through HTTP, so not logged). */
export interface GitSeeding {
  /** Makes a commit holding exactly these files on `branch` (default: the default branch). */
  seedCommit(files: Record<string, string>, options?: { branch?: string; message?: string }): string;
  /** Every file at a branch (or commit), as text; undefined when the branch does not exist. */
  filesAt(refOrSha: string): Record<string, string> | undefined;
  /** The commit a branch points at. */
  headOf(branch: string): FakeCommit | undefined;
}

export function gitRoutes(db: GitDatabase, ctx: RouteContext): {
  handle(method: string, path: string, url: URL, body: Record<string, unknown> | undefined, res: ServerResponse): boolean;
} & GitSeeding {
  const repoUrl = () => `${ctx.base()}/repos/${ctx.owner}/${ctx.repo}`;

  function storeBlob(content: Buffer): string {
    const sha = gitBlobSha(content);
    db.blobs.set(sha, content);
    return sha;
  }
  function storeTree(entries: Map<string, FakeTreeEntry>): string {
    const sorted = [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const sha = hashOf('tree', sorted);
    db.trees.set(sha, new Map(sorted.map((e) => [e.path, e])));
    return sha;
  }
  function storeCommit(message: string, tree: string, parents: string[]): FakeCommit {
    const sha = hashOf('commit', { message, tree, parents, at: db.commits.size });
    const commit = { sha, message, tree, parents };
    db.commits.set(sha, commit);
    return commit;
  }
  function isAncestor(ancestor: string, of: string): boolean {
    const seen = new Set<string>();
    const stack = [of];
    while (stack.length > 0) {
      const sha = stack.pop()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      stack.push(...(db.commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  const refJson = (ref: string, sha: string) => ({
    ref,
    node_id: `REF_${Buffer.from(ref).toString('base64')}`,
    url: `${repoUrl()}/git/${ref}`,
    object: { sha, type: 'commit', url: `${repoUrl()}/git/commits/${sha}` },
  });
  const commitJson = (c: FakeCommit) => ({
    sha: c.sha,
    node_id: `C_${c.sha}`,
    url: `${repoUrl()}/git/commits/${c.sha}`,
    html_url: `https://github.com/${ctx.owner}/${ctx.repo}/commit/${c.sha}`,
    message: c.message,
    tree: { sha: c.tree, url: `${repoUrl()}/git/trees/${c.tree}` },
    parents: c.parents.map((sha) => ({ sha, url: `${repoUrl()}/git/commits/${sha}` })),
    author: { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com', date: new Date().toISOString() },
    committer: { name: 'GitHub', email: 'noreply@github.com', date: new Date().toISOString() },
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null },
  });
  const treeJson = (sha: string) => ({
    sha,
    url: `${repoUrl()}/git/trees/${sha}`,
    tree: [...db.trees.get(sha)!.values()].map((e) => ({ ...e, url: `${repoUrl()}/git/blobs/${e.sha}`, size: db.blobs.get(e.sha)?.length })),
    truncated: false,
  });
  const pullJson = (p: FakePull) => {
    const issue = ctx.issues.find((i) => i.number === p.number)!;
    return {
      id: 9000 + p.number,
      number: p.number,
      state: issue.state,
      title: issue.title,
      body: issue.body,
      merged: p.merged,
      labels: issue.labels.map((name) => ({ name, color: ctx.labels.get(name)?.color ?? 'ededed' })),
      html_url: `https://github.com/${ctx.owner}/${ctx.repo}/pull/${p.number}`,
      url: `${repoUrl()}/pulls/${p.number}`,
      head: {
        ref: p.head,
        label: `${ctx.owner}:${p.head}`,
        sha: db.refs.get(`refs/heads/${p.head}`) ?? p.headSha,
        repo: p.headRepo === null ? null : { full_name: p.headRepo ?? `${ctx.owner}/${ctx.repo}` },
      },
      base: { ref: p.base, label: `${ctx.owner}:${p.base}`, sha: db.refs.get(`refs/heads/${p.base}`) },
    };
  };
  const labelJson = (name: string) => ctx.labels.get(name) ?? { name, color: 'ededed', description: null };

  /** Resolves a branch name, a full ref or a commit SHA to a commit. */
  function resolve(refOrSha: string): FakeCommit | undefined {
    const sha = db.refs.get(refOrSha) ?? db.refs.get(`refs/heads/${refOrSha}`) ?? refOrSha;
    return db.commits.get(sha);
  }

  function handle(method: string, path: string, url: URL, body: Record<string, unknown> | undefined, res: ServerResponse): boolean {
    let m: RegExpExecArray | null;
    const send = (status: number, payload: unknown) => {
      ctx.json(res, status, payload);
      return true;
    };

    if (path === '' && method === 'GET') {
      return send(200, {
        id: 4711,
        name: ctx.repo,
        full_name: `${ctx.owner}/${ctx.repo}`,
        private: true,
        default_branch: db.defaultBranch,
        html_url: `https://github.com/${ctx.owner}/${ctx.repo}`,
        url: repoUrl(),
        owner: { login: ctx.owner, type: 'Organization' },
      });
    }

    // Refs: GET /git/ref/heads/x (octokit's getRef) and the older GET /git/refs/heads/x.
    if ((m = /^\/git\/refs?\/(.+)$/.exec(path)) && (method === 'GET' || method === 'PATCH' || method === 'DELETE')) {
      const ref = `refs/${decodeURIComponent(m[1]!)}`;
      const sha = db.refs.get(ref);
      if (method === 'GET') return sha ? send(200, refJson(ref, sha)) : send(404, notFound);
      if (method === 'DELETE') {
        if (!sha) return send(422, validation('Reference does not exist'));
        db.refs.delete(ref);
        const branch = ref.replace(/^refs\/heads\//, '');
        for (const pull of db.pulls.values()) {
          const issue = ctx.issues.find((i) => i.number === pull.number)!;
          if (pull.head === branch && issue.state === 'open') issue.state = 'closed';
        }
        res.writeHead(204).end();
        return true;
      }
      // PATCH
      if (!sha) return send(422, validation('Reference does not exist'));
      const target = typeof body?.sha === 'string' ? body.sha : '';
      if (!db.commits.has(target)) return send(422, validation('Object does not exist'));
      if (body?.force !== true && !isAncestor(sha, target)) return send(422, validation('Update is not a fast forward'));
      db.refs.set(ref, target);
      return send(200, refJson(ref, target));
    }
    if (path === '/git/refs' && method === 'POST') {
      const ref = typeof body?.ref === 'string' ? body.ref : '';
      const sha = typeof body?.sha === 'string' ? body.sha : '';
      if (!/^refs\/[^/]+\/.+/.test(ref)) return send(422, validation('Reference name is not valid'));
      if (!db.commits.has(sha)) return send(422, validation('Object does not exist'));
      if (db.refs.has(ref)) return send(422, validation('Reference already exists'));
      db.refs.set(ref, sha);
      return send(201, refJson(ref, sha));
    }

    if (path === '/git/blobs' && method === 'POST') {
      if (typeof body?.content !== 'string') return send(422, validation('Invalid request.\n\n"content" wasn\'t supplied.'));
      const encoding = body.encoding ?? 'utf-8';
      if (encoding !== 'utf-8' && encoding !== 'base64') return send(422, validation(`encoding must be utf-8 or base64`));
      const sha = storeBlob(Buffer.from(body.content, encoding === 'base64' ? 'base64' : 'utf8'));
      return send(201, { sha, url: `${repoUrl()}/git/blobs/${sha}` });
    }
    if ((m = /^\/git\/blobs\/([0-9a-f]{40})$/.exec(path)) && method === 'GET') {
      const blob = db.blobs.get(m[1]!);
      if (!blob) return send(404, notFound);
      return send(200, { sha: m[1], size: blob.length, encoding: 'base64', content: blob.toString('base64'), url: `${repoUrl()}/git/blobs/${m[1]}` });
    }

    if (path === '/git/trees' && method === 'POST') {
      const entries = new Map<string, FakeTreeEntry>();
      if (body?.base_tree !== undefined) {
        const baseTree = db.trees.get(String(body.base_tree));
        if (!baseTree) return send(422, validation('Invalid tree info'));
        for (const [p, e] of baseTree) entries.set(p, e);
      }
      if (!Array.isArray(body?.tree)) return send(422, validation('Invalid request.\n\n"tree" wasn\'t supplied.'));
      for (const raw of body.tree as Record<string, unknown>[]) {
        const path = typeof raw.path === 'string' ? raw.path : '';
        if (path === '' || path.startsWith('/') || path.endsWith('/')) return send(422, validation(`Invalid tree path: ${path}`));
        if (raw.sha === null) {
          entries.delete(path); // GitHub: sha null removes the file
          continue;
        }
        let sha: string;
        if (typeof raw.content === 'string') sha = storeBlob(Buffer.from(raw.content, 'utf8'));
        else if (typeof raw.sha === 'string' && db.blobs.has(raw.sha)) sha = raw.sha;
        else return send(422, validation('Invalid tree info', [`tree.sha ${String(raw.sha)} is not a valid blob`]));
        entries.set(path, { path, mode: typeof raw.mode === 'string' ? raw.mode : '100644', type: 'blob', sha });
      }
      return send(201, treeJson(storeTree(entries)));
    }
    if ((m = /^\/git\/trees\/([0-9a-f]{40})$/.exec(path)) && method === 'GET') {
      return db.trees.has(m[1]!) ? send(200, treeJson(m[1]!)) : send(404, notFound);
    }

    if (path === '/git/commits' && method === 'POST') {
      const tree = typeof body?.tree === 'string' ? body.tree : '';
      const parents = Array.isArray(body?.parents) ? (body.parents as unknown[]).map(String) : [];
      if (typeof body?.message !== 'string') return send(422, validation('Invalid request.\n\n"message" wasn\'t supplied.'));
      if (!db.trees.has(tree)) return send(422, validation('Tree SHA does not exist'));
      if (parents.some((p) => !db.commits.has(p))) return send(422, validation('Parent SHA does not exist or is not a commit object'));
      return send(201, commitJson(storeCommit(body.message, tree, parents)));
    }
    if ((m = /^\/git\/commits\/([0-9a-f]{40})$/.exec(path)) && method === 'GET') {
      const commit = db.commits.get(m[1]!);
      return commit ? send(200, commitJson(commit)) : send(404, notFound);
    }

    if (path === '/pulls') {
      if (method === 'GET') {
        const state = url.searchParams.get('state') ?? 'open';
        const head = url.searchParams.get('head'); // "owner:branch"
        const baseBranch = url.searchParams.get('base');
        const list = [...db.pulls.values()]
          .filter((p) => {
            const issue = ctx.issues.find((i) => i.number === p.number)!;
            return state === 'all' || issue.state === state;
          })
          .filter((p) => !head || head === `${ctx.owner}:${p.head}`)
          .filter((p) => !baseBranch || baseBranch === p.base)
          .sort((a, b) => b.number - a.number);
        ctx.page(res, url, list, pullJson);
        return true;
      }
      if (method === 'POST') {
        const head = typeof body?.head === 'string' ? body.head.replace(new RegExp(`^${ctx.owner}:`), '') : '';
        const baseBranch = typeof body?.base === 'string' ? body.base : '';
        if (typeof body?.title !== 'string' || body.title === '') return send(422, validation('Validation Failed', [{ resource: 'PullRequest', code: 'missing_field', field: 'title' }]));
        const headSha = db.refs.get(`refs/heads/${head}`);
        if (!headSha) return send(422, validation('Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]));
        if (!db.refs.has(`refs/heads/${baseBranch}`)) return send(422, validation('Validation Failed', [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]));
        const open = [...db.pulls.values()].find((p) => p.head === head && p.base === baseBranch && ctx.issues.find((i) => i.number === p.number)!.state === 'open');
        if (open) return send(422, validation('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${ctx.owner}:${head}.` }]));
        const number = ctx.nextIssueNumber();
        ctx.issues.push({ number, title: body.title, body: typeof body.body === 'string' ? body.body : '', state: 'open', stateReason: null, labels: [], isPullRequest: true });
        const pull: FakePull = { number, head, base: baseBranch, merged: false, headSha };
        db.pulls.set(number, pull);
        return send(201, pullJson(pull));
      }
    }
    if ((m = /^\/pulls\/(\d+)$/.exec(path))) {
      const pull = db.pulls.get(Number(m[1]));
      if (!pull) return send(404, notFound);
      const issue = ctx.issues.find((i) => i.number === pull.number)!;
      if (method === 'GET') return send(200, pullJson(pull));
      if (method === 'PATCH') {
        if (typeof body?.title === 'string') issue.title = body.title;
        if (typeof body?.body === 'string') issue.body = body.body;
        if (body?.state === 'closed') issue.state = 'closed';
        if (body?.state === 'open') {
          if (!db.refs.has(`refs/heads/${pull.head}`)) return send(422, validation('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: 'state cannot be changed. The head branch was deleted.' }]));
          issue.state = 'open';
        }
        return send(200, pullJson(pull));
      }
    }

    if ((m = /^\/issues\/(\d+)\/labels$/.exec(path))) {
      const issue = ctx.issues.find((i) => i.number === Number(m![1]));
      if (!issue) return send(404, notFound);
      if (method === 'GET') {
        ctx.page(res, url, issue.labels, labelJson);
        return true;
      }
      if (method === 'POST' || method === 'PUT') {
        const wanted = Array.isArray(body?.labels) ? (body.labels as unknown[]).map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown }).name))) : [];
        if (wanted.length === 0) return send(422, validation('Invalid request.\n\nNo labels given.'));
        for (const name of wanted) if (!ctx.labels.has(name)) ctx.labels.set(name, { name, color: 'ededed', description: null });
        issue.labels = method === 'PUT' ? [...new Set(wanted)] : [...new Set([...issue.labels, ...wanted])];
        return send(200, issue.labels.map(labelJson));
      }
    }
    return false;
  }

  return {
    handle,
    seedCommit(files, options = {}) {
      const branch = options.branch ?? db.defaultBranch;
      const ref = `refs/heads/${branch}`;
      const parent = db.refs.get(ref);
      const entries = new Map<string, FakeTreeEntry>();
      for (const [path, content] of Object.entries(files)) entries.set(path, { path, mode: '100644', type: 'blob', sha: storeBlob(Buffer.from(content, 'utf8')) });
      const commit = storeCommit(options.message ?? 'seed', storeTree(entries), parent ? [parent] : []);
      db.refs.set(ref, commit.sha);
      return commit.sha;
    },
    filesAt(refOrSha) {
      const commit = resolve(refOrSha);
      if (!commit) return undefined;
      const out: Record<string, string> = {};
      for (const entry of db.trees.get(commit.tree)!.values()) out[entry.path] = db.blobs.get(entry.sha)!.toString('utf8');
      return out;
    },
    headOf(branch) {
      return resolve(`refs/heads/${branch}`);
    },
  };
}
