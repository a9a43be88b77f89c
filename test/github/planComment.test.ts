// `plan --github-comment` end to end: the real CLI, the real octokit, a fake GitHub over HTTP.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { startGitHubServer, type FakeGitHub } from '../fakes/githubServer.js';
import { actionsEnv, HEAD_SHA, liveJson, mappingsYaml, TOKEN, userId } from './helpers.js';

const MARKER = '<!-- mapsync:plan -->';
const PR = 7;

let github: FakeGitHub;
let cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  github = await startGitHubServer({ token: TOKEN });
});
afterEach(async () => {
  await github.close();
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

async function project(desired: { n: number; outreach: number; name?: string }[], live: { n: number; outreach: number; name?: string }[] = []) {
  const p = await makeProject({
    'mappings/team.yaml': mappingsYaml(desired),
    '.mapsync/live.json': liveJson(live),
  });
  cleanups.push(p.cleanup);
  return p.dir;
}

function writes(server: FakeGitHub) {
  return server.requests.filter((r) => r.method !== 'GET');
}

/** Nothing mapsync printed, posted or wrote may contain the token. */
async function expectNoToken(dir: string, ...outputs: string[]) {
  for (const text of outputs) expect(text).not.toContain(TOKEN);
  for (const r of github.requests) expect(r.rawBody).not.toContain(TOKEN);
  for (const c of github.comments) expect(c.body).not.toContain(TOKEN);
  const summary = await readFile(join(dir, 'step-summary.md'), 'utf8').catch(() => '');
  expect(summary).not.toContain(TOKEN);
}

describe('plan --github-comment', () => {
  it('replaces the comment with "no plan for this commit" when the YAML no longer validates', async () => {
    const dir = await project([{ n: 1, outreach: 42, name: 'Ada Lovelace' }]);
    const env = await actionsEnv(dir, github.url, { pr: PR });
    expect((await runCli(['plan', '--github-comment'], { cwd: dir, env })).code).toBe(0);
    expect(github.commentsOn(PR)[0]!.body).toContain('Ada Lovelace');

    await writeFile(join(dir, 'mappings/team.yaml'), 'mappings:\n  - crmUserID: 005\n');
    const broken = await runCli(['plan', '--github-comment'], { cwd: dir, env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^error: \d+ errors? in mappings/m);
    expect(github.commentsOn(PR)).toHaveLength(1);
    const body = github.commentsOn(PR)[0]!.body;
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toContain('no plan for this commit');
    expect(body).not.toContain('Ada Lovelace');
    expect(body).toContain('**Merging applies nothing**');
    await expectNoToken(dir, broken.stdout, broken.stderr);
  });

  it('creates the comment on the first run, edits the same one after, and skips an unchanged plan', async () => {
    const dir = await project(
      [{ n: 1, outreach: 42, name: 'Ada Lovelace' }, { n: 2, outreach: 57, name: 'Grace Hopper' }],
      [{ n: 3, outreach: 7, name: 'Bob Ng' }],
    );
    const env = await actionsEnv(dir, github.url, { pr: PR });

    const first = await runCli(['plan', '--github-comment'], { cwd: dir, env });
    expect(first.stderr).toContain(`Posted the plan on pull request #${PR}`);
    expect(first.code).toBe(0);
    expect(github.commentsOn(PR)).toHaveLength(1);
    const post = writes(github);
    expect(post.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /repos/acme/crm-mappings/issues/${PR}/comments`]);
    const body = github.commentsOn(PR)[0]!.body;
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toContain(`[\`${HEAD_SHA.slice(0, 7)}\`](https://github.com/acme/crm-mappings/commit/${HEAD_SHA})`);
    expect(body).toContain('Plan: 2 to add, 1 to remove, 0 unchanged.');
    expect(body).toContain('```diff');
    expect(body).toContain(`+ ${userId(1)} <-> 42`);
    expect(body).toContain(`- ${userId(3)} <-> 7`);
    expect(body).toContain('**Merging applies these 3 changes to `file:.mapsync/live.json`**');
    expect(body).toContain('https://github.com/acme/crm-mappings/actions/runs/4242');

    // A new push changes the plan: the same comment is edited in place.
    await writeFile(join(dir, 'mappings/team.yaml'), mappingsYaml([{ n: 1, outreach: 42, name: 'Ada Lovelace' }]));
    const second = await runCli(['plan', '--github-comment'], { cwd: dir, env });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`Updated the plan comment on pull request #${PR}`);
    expect(github.commentsOn(PR)).toHaveLength(1);
    const edit = writes(github)[1]!;
    expect(edit.method).toBe('PATCH');
    expect(edit.path).toBe(`/repos/acme/crm-mappings/issues/comments/${github.commentsOn(PR)[0]!.id}`);
    expect(github.commentsOn(PR)[0]!.body).toContain('Plan: 1 to add, 1 to remove, 0 unchanged.');

    // Same plan again: nothing to write.
    const third = await runCli(['plan', '--github-comment'], { cwd: dir, env });
    expect(third.code).toBe(0);
    expect(third.stderr).toContain('already up to date');
    expect(writes(github)).toHaveLength(2);
    await expectNoToken(dir, first.stdout, first.stderr, second.stdout, second.stderr, third.stdout, third.stderr);
  });

  it('finds its comment on page 2 of a pull request with 150 earlier comments', async () => {
    const dir = await project([{ n: 1, outreach: 42, name: 'Ada Lovelace' }]);
    const env = await actionsEnv(dir, github.url, { pr: PR });
    github.seedComments(PR, 130);
    github.seedComments(PR, 1, () => `${MARKER}\n### mapsync plan: an old plan`);
    github.seedComments(PR, 19, (i) => i === 0 ? `> quoting it does not make it ours:\n> ${MARKER}` : `comment ${i}`);
    const marked = github.commentsOn(PR)[130]!;

    const result = await runCli(['plan', '--github-comment', '--pr', String(PR)], { cwd: dir, env });
    expect(result.stderr).toContain('Updated the plan comment');
    expect(result.code).toBe(0);
    const reads = github.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/issues/${PR}/comments`));
    expect(reads.map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    expect(reads.every((r) => r.query.per_page === '100')).toBe(true);
    expect(writes(github).map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /repos/acme/crm-mappings/issues/comments/${marked.id}`]);
    expect(github.commentsOn(PR)).toHaveLength(150);
    expect(marked.body).toContain('Plan: 1 to add, 0 to remove, 0 unchanged.');
  });

  it('keeps one comment when two runs raced: edits the oldest and deletes the other', async () => {
    const dir = await project([{ n: 1, outreach: 42 }]);
    const env = await actionsEnv(dir, github.url, { pr: PR });
    github.seedComments(PR, 2, () => `${MARKER}\nold`);
    const [oldest, newer] = github.commentsOn(PR);
    const result = await runCli(['plan', '--github-comment'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(github.commentsOn(PR).map((c) => c.id)).toEqual([oldest!.id]);
    expect(writes(github).map((r) => r.method)).toEqual(['PATCH', 'DELETE']);
    expect(writes(github)[1]!.path).toContain(String(newer!.id));
  });

  it('summarises a 20,000-change plan within 65,536 characters, with the full plan in the job summary', async () => {
    const desired = Array.from({ length: 20_000 }, (_, i) => ({ n: i + 1, outreach: 100_000 + i, name: `Rep ${i + 1}` }));
    const dir = await project(desired);
    const env = await actionsEnv(dir, github.url, { pr: PR });
    const result = await runCli(['plan', '--github-comment'], { cwd: dir, env, timeoutMs: 120_000 });
    expect(result.stderr).toContain('Posted the plan');
    expect(result.code).toBe(0);
    const [comment] = github.commentsOn(PR);
    expect(comment!.body.length).toBeLessThanOrEqual(65_536);
    expect(comment!.body).toContain('Plan: 20000 to add, 0 to remove, 0 unchanged.');
    expect(comment!.body).toMatch(/This plan is too large to show here: [\d,]+ of 20,000 changes are listed\. The full plan is in the \[job summary\]\(https:\/\/github\.com\/acme\/crm-mappings\/actions\/runs\/4242\)/);
    expect(comment!.body).toContain('**Merging applies these 20,000 changes');
    // The cut diff is still a closed block inside a closed <details>.
    expect(comment!.body.match(/^```/gm)).toHaveLength(2);
    expect(comment!.body.match(/<details>/g)?.length).toBe(comment!.body.match(/<\/details>/g)?.length);
    const summary = await readFile(join(dir, 'step-summary.md'), 'utf8');
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(1024 * 1024);
    expect(summary).toContain(`+ ${userId(1)} <-> 100000`);
    // The summary holds far more of the plan than the comment could.
    const inSummary = summary.match(/^\+ 005/gm)!.length;
    const inComment = comment!.body.match(/^\+ 005/gm)!.length;
    expect(inSummary).toBeGreaterThan(inComment * 5);
  });

  it('retries a secondary rate limit (403 with retry-after) and a 502, then posts', async () => {
    const dir = await project([{ n: 1, outreach: 42 }]);
    const env = await actionsEnv(dir, github.url, { pr: PR });
    github.failOnce('GET', /\/issues\/7\/comments$/, 502);
    github.secondaryRateLimitOnce('POST', /\/issues\/7\/comments$/, 1);
    const result = await runCli(['plan', '--github-comment'], { cwd: dir, env });
    expect(result.code).toBe(0);
    const calls = github.requests.map((r) => `${r.method} ${r.status}`);
    expect(calls).toEqual(['GET 502', 'GET 200', 'POST 403', 'POST 201']);
    expect(github.commentsOn(PR)).toHaveLength(1);
  });

  it('waits for the hourly quota to reset (403, x-ratelimit-remaining: 0) and carries on', async () => {
    const dir = await project([{ n: 1, outreach: 42 }]);
    const env = await actionsEnv(dir, github.url, { pr: PR });
    github.primaryRateLimitOnce('GET', /\/issues\/7\/comments$/);
    const result = await runCli(['plan', '--github-comment'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(github.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 403', 'GET 200', 'POST 201']);
    expect(result.stderr).toContain('rate limit');
  });

  it('never lets the token out, even when the data contains it', async () => {
    const dir = await project([{ n: 1, outreach: 42, name: `Leaky ${TOKEN}` }]);
    const env = await actionsEnv(dir, github.url, { pr: PR });
    const result = await runCli(['plan', '--github-comment', '--debug'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(github.commentsOn(PR)[0]!.body).toContain('Leaky ***');
    // It was sent, as it must be, in the Authorization header only.
    expect(github.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    await expectNoToken(dir, result.stdout, result.stderr);
  });
});

describe('plan --github-comment errors', () => {
  it.each([
    ['GITHUB_TOKEN', /^error: GITHUB_TOKEN is not set/m],
    ['GITHUB_REPOSITORY', /^error: GITHUB_REPOSITORY is not set/m],
  ])('without %s: one error line, exit 1', async (name, message) => {
    const dir = await project([{ n: 1, outreach: 42 }]);
    const env = { ...(await actionsEnv(dir, github.url, { pr: PR })), [name]: undefined };
    const result = await runCli(['plan', '--github-comment'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(github.requests).toHaveLength(0);
  });

  it('without a pull request (no --pr, not a pull_request event): one error line, exit 1', async () => {
    const dir = await project([{ n: 1, outreach: 42 }]);
    const env = await actionsEnv(dir, github.url);
    const result = await runCli(['plan', '--github-comment'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: no pull request to comment on: pass --pr N/m);
    expect(github.requests).toHaveLength(0);
  });

  it('a rejected token (401) is one clear line, and the token is not shown', async () => {
    const dir = await project([{ n: 1, outreach: 42 }]);
    const env = { ...(await actionsEnv(dir, github.url, { pr: PR })), GITHUB_TOKEN: 'ghs_wrongTokenWrongTokenWrong123' };
    const result = await runCli(['plan', '--github-comment'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: GitHub rejected GITHUB_TOKEN while reading the comments of #7 \(401 Bad credentials\)$/m);
    expect(result.stderr + result.stdout).not.toContain('ghs_wrongTokenWrongTokenWrong123');
    expect(github.requests).toHaveLength(1); // 401 is not retried
  });

  it('an unknown repository (404) is one clear line', async () => {
    const dir = await project([{ n: 1, outreach: 42 }]);
    const env = { ...(await actionsEnv(dir, github.url, { pr: PR, repository: 'acme/other' })) };
    const result = await runCli(['plan', '--github-comment'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: GitHub found nothing while reading the comments of #7 \(404 Not Found\)$/m);
  });
});
