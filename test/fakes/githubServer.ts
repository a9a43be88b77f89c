// A fake GitHub REST API on 127.0.0.1 for the real octokit to talk to. It reproduces the
// documented behaviour mapsync relies on: token auth (401 "Bad credentials"), Link-header
// pagination (per_page up to 100), the 65,536-character body limit (422), issues, labels,
// comments, secondary rate limits (403 + retry-after) and plain server errors.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGitDatabase, gitRoutes, type GitDatabase, type GitSeeding } from './github/gitDatabase.js';
import { commitPullsRoutes, type CommitPullsSeeding } from './github/commitPulls.js';
import { createActionsSecrets, type ActionsSecrets } from './github/actionsSecrets.js';

export const BODY_LIMIT = 65_536;

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: string | null;
  labels: string[];
  isPullRequest: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  authorization: string | undefined;
  body: unknown;
  rawBody: string;
}

interface PlannedFailure {
  method: string;
  path: RegExp;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeGitHub {
  url: string;
  owner: string;
  repo: string;
  requests: LoggedRequest[];
  comments: FakeComment[];
  issues: FakeIssue[];
  labels: Map<string, { name: string; color: string; description: string | null }>;
  /** Adds comments by other people to an issue or PR (not through the API, so not logged). */
  seedComments(issueNumber: number, count: number, body?: (i: number) => string): void;
  /** Adds an issue or PR directly. */
  seedIssue(issue: Partial<FakeIssue> & { title: string }): FakeIssue;
  /** The next matching request gets GitHub's secondary-rate-limit answer (403, retry-after). */
  secondaryRateLimitOnce(method: string, path: RegExp, retryAfterSeconds?: number): void;
  /** The next matching request finds the hourly quota used up (403, x-ratelimit-remaining: 0, reset in 1 s). */
  primaryRateLimitOnce(method: string, path: RegExp): void;
  /** The next matching request fails with this status (e.g. 502), once. */
  failOnce(method: string, path: RegExp, status: number): void;
  commentsOn(issueNumber: number): FakeComment[];
  /** The repository, git database and pulls (test/fakes/github/gitDatabase.ts). */
  git: GitDatabase & GitSeeding;
  /** Which pull requests a commit belongs to (test/fakes/github/commitPulls.ts). */
  commitPulls: CommitPullsSeeding;
  /** Repository Actions secrets, writable only with `secretsToken` (test/fakes/github/actionsSecrets.ts). */
  secrets: ActionsSecrets;
  close(): Promise<void>;
}

const BOT = 'github-actions[bot]';

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-github-media-type': 'github.v3; format=json',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

export async function startGitHubServer(options: { token: string; owner?: string; repo?: string; defaultBranch?: string; secretsToken?: string }): Promise<FakeGitHub> {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'crm-mappings';
  const requests: LoggedRequest[] = [];
  const comments: FakeComment[] = [];
  const issues: FakeIssue[] = [];
  const labels = new Map<string, { name: string; color: string; description: string | null }>();
  const failures: PlannedFailure[] = [];
  let nextCommentId = 1000;
  let nextIssueNumber = 1;
  let base = '';
  const now = () => new Date().toISOString();
  const database = createGitDatabase(options.defaultBranch);
  const secrets = await createActionsSecrets({ owner, repo, repoToken: options.token, secretsToken: options.secretsToken, json });
  const git = gitRoutes(database, {
    owner,
    repo,
    base: () => base,
    issues,
    labels,
    nextIssueNumber: () => nextIssueNumber++,
    json,
    page: (res, url, items, render) => page(res, url, items, render),
  });
  const commitPulls = commitPullsRoutes({ owner, repo, base: () => base, issues, nextIssueNumber: () => nextIssueNumber++, json, page: (res, url, items, render) => page(res, url, items, render) });

  const commentJson = (c: FakeComment) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${base}/repos/${owner}/${repo}/issues/comments/${c.id}`,
    html_url: `https://github.com/${owner}/${repo}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${base}/repos/${owner}/${repo}/issues/${c.issueNumber}`,
    body: c.body,
    user: { login: c.user, type: c.user.endsWith('[bot]') ? 'Bot' : 'User' },
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  });
  const issueJson = (i: FakeIssue) => ({
    id: 5000 + i.number,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.stateReason,
    labels: i.labels.map((name) => ({ name, color: labels.get(name)?.color ?? 'ededed' })),
    html_url: `https://github.com/${owner}/${repo}/${i.isPullRequest ? 'pull' : 'issues'}/${i.number}`,
    ...(i.isPullRequest ? { pull_request: { url: `${base}/repos/${owner}/${repo}/pulls/${i.number}` } } : {}),
  });

  /** GitHub's pagination: per_page (default 30, max 100), page (1-based), Link header. */
  function page<T>(res: ServerResponse, url: URL, items: T[], render: (t: T) => unknown): void {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
    const pageNo = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
    const link = (p: number, rel: string) => {
      const u = new URL(url.pathname + url.search, base);
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('page', String(p));
      return `<${u.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (pageNo > 1) links.push(link(pageNo - 1, 'prev'), link(1, 'first'));
    if (pageNo < last) links.push(link(pageNo + 1, 'next'), link(last, 'last'));
    json(res, 200, slice.map(render), links.length > 0 ? { link: links.join(', ') } : {});
  }

  const tooLong = (body: unknown, resource: string) =>
    typeof body === 'string' && body.length > BODY_LIMIT
      ? { message: 'Validation Failed', errors: [{ resource, code: 'custom', field: 'body', message: `body is too long (maximum is ${BODY_LIMIT} characters)` }], documentation_url: 'https://docs.github.com/rest', status: '422' }
      : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse, logged: LoggedRequest): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const body = logged.body as Record<string, unknown> | undefined;

    const failure = failures.findIndex((f) => f.method === method && f.path.test(url.pathname));
    if (failure >= 0) {
      const f = failures.splice(failure, 1)[0]!;
      return json(res, f.status, f.body, f.headers);
    }

    const auth = req.headers.authorization ?? '';
    const presented = auth.replace(/^(token|bearer)\s+/i, '');
    // Actions secrets take another token than the rest of the API.
    if (secrets.handle(method, url.pathname, body, presented, res)) return;
    if (presented !== options.token) {
      return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }

    const prefix = `/repos/${owner}/${repo}`;
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    const path = url.pathname.slice(prefix.length);
    let m: RegExpExecArray | null;

    if (git.handle(method, path, url, body, res)) return;
    if (commitPulls.handle(method, path, url, res)) return;

    if ((m = /^\/issues\/(\d+)\/comments$/.exec(path))) {
      const issueNumber = Number(m[1]);
      if (method === 'GET') return page(res, url, comments.filter((c) => c.issueNumber === issueNumber), commentJson);
      if (method === 'POST') {
        if (typeof body?.body !== 'string') return json(res, 422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.' });
        const error = tooLong(body.body, 'IssueComment');
        if (error) return json(res, 422, error);
        const c: FakeComment = { id: nextCommentId++, issueNumber, body: body.body, user: BOT, createdAt: now(), updatedAt: now() };
        comments.push(c);
        return json(res, 201, commentJson(c));
      }
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(path))) {
      const id = Number(m[1]);
      const c = comments.find((x) => x.id === id);
      if (!c) return json(res, 404, { message: 'Not Found' });
      if (method === 'PATCH') {
        if (typeof body?.body !== 'string') return json(res, 422, { message: 'Invalid request.' });
        const error = tooLong(body.body, 'IssueComment');
        if (error) return json(res, 422, error);
        c.body = body.body;
        c.updatedAt = now();
        return json(res, 200, commentJson(c));
      }
      if (method === 'DELETE') {
        comments.splice(comments.indexOf(c), 1);
        res.writeHead(204).end();
        return;
      }
    }
    if (path === '/issues') {
      if (method === 'GET') {
        const state = url.searchParams.get('state') ?? 'open';
        const wanted = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
        const list = issues
          .filter((i) => state === 'all' || i.state === state)
          .filter((i) => wanted.every((l) => i.labels.includes(l)))
          .sort((a, b) => b.number - a.number); // GitHub's default: newest first
        return page(res, url, list, issueJson);
      }
      if (method === 'POST') {
        if (typeof body?.title !== 'string' || body.title === '') return json(res, 422, { message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }] });
        const error = tooLong(body.body, 'Issue');
        if (error) return json(res, 422, error);
        const issueLabels = Array.isArray(body.labels) ? (body.labels as string[]) : [];
        // GitHub creates unknown labels on the fly for writers; keep the store consistent.
        for (const name of issueLabels) if (!labels.has(name)) labels.set(name, { name, color: 'ededed', description: null });
        const issue: FakeIssue = { number: nextIssueNumber++, title: body.title, body: typeof body.body === 'string' ? body.body : '', state: 'open', stateReason: null, labels: issueLabels, isPullRequest: false };
        issues.push(issue);
        return json(res, 201, issueJson(issue));
      }
    }
    if ((m = /^\/issues\/(\d+)$/.exec(path))) {
      const issue = issues.find((i) => i.number === Number(m![1]));
      if (!issue) return json(res, 404, { message: 'Not Found' });
      if (method === 'GET') return json(res, 200, issueJson(issue));
      if (method === 'PATCH') {
        const error = tooLong(body?.body, 'Issue');
        if (error) return json(res, 422, error);
        if (typeof body?.title === 'string') issue.title = body.title;
        if (typeof body?.body === 'string') issue.body = body.body;
        if (body?.state === 'closed' || body?.state === 'open') {
          issue.state = body.state;
          issue.stateReason = body.state === 'closed' ? (typeof body.state_reason === 'string' ? body.state_reason : 'completed') : null;
        }
        return json(res, 200, issueJson(issue));
      }
    }
    if ((m = /^\/labels\/([^/]+)$/.exec(path)) && method === 'GET') {
      const label = labels.get(decodeURIComponent(m[1]!));
      return label ? json(res, 200, label) : json(res, 404, { message: 'Not Found' });
    }
    if (path === '/labels') {
      if (method === 'GET') return page(res, url, [...labels.values()], (l) => l);
      if (method === 'POST') {
        const name = body?.name;
        if (typeof name !== 'string' || name === '') return json(res, 422, { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'missing_field', field: 'name' }] });
        if (labels.has(name)) return json(res, 422, { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }] });
        const label = { name, color: typeof body?.color === 'string' ? body.color : 'ededed', description: typeof body?.description === 'string' ? body.description : null };
        labels.set(name, label);
        return json(res, 201, label);
      }
    }
    return json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  }

  const server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readBody(req);
      let parsed: unknown;
      try {
        parsed = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        parsed = undefined;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const logged: LoggedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: 0,
        authorization: req.headers.authorization,
        body: parsed,
        rawBody,
      };
      requests.push(logged);
      res.on('finish', () => (logged.status = res.statusCode));
      try {
        await handle(req, res, logged);
      } catch (err) {
        json(res, 500, { message: String(err) });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    owner,
    repo,
    requests,
    comments,
    issues,
    labels,
    seedComments(issueNumber, count, body = (i) => `comment ${i + 1}`) {
      for (let i = 0; i < count; i++) {
        comments.push({ id: nextCommentId++, issueNumber, body: body(i), user: i % 2 ? 'octocat' : 'hubot', createdAt: now(), updatedAt: now() });
      }
    },
    seedIssue(partial) {
      const issue: FakeIssue = { number: nextIssueNumber++, body: '', state: 'open', stateReason: null, labels: [], isPullRequest: false, ...partial };
      if (partial.number !== undefined) nextIssueNumber = Math.max(nextIssueNumber, partial.number + 1);
      for (const name of issue.labels) if (!labels.has(name)) labels.set(name, { name, color: 'ededed', description: null });
      issues.push(issue);
      return issue;
    },
    secondaryRateLimitOnce(method, path, retryAfterSeconds = 1) {
      failures.push({
        method,
        path,
        status: 403,
        headers: { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-remaining': '4000' },
        body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits', status: '403' },
      });
    },
    primaryRateLimitOnce(method, path) {
      failures.push({
        method,
        path,
        status: 403,
        headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) },
        body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api', status: '403' },
      });
    },
    failOnce(method, path, status) {
      failures.push({ method, path, status, headers: {}, body: { message: 'Server Error' } });
    },
    commentsOn(issueNumber) {
      return comments.filter((c) => c.issueNumber === issueNumber);
    },
    commitPulls,
    git: Object.assign(database, { seedCommit: git.seedCommit, filesAt: git.filesAt, headOf: git.headOf }),
    secrets,
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
