// `plan --github-comment` end to end: the real CLI, the real octokit, a fake GitHub over HTTP.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import type { FakeGitHub } from '../fakes/githubServer.js';
import { actionsEnv, fakeGitHubPerTest, HEAD_SHA, liveJson, mappingsYaml, TOKEN, userId } from './helpers.js';

const MARKER = '<!-- mapsync:plan -->';
const PR = 7;

let github: FakeGitHub;
const cleanups = fakeGitHubPerTest((server) => (github = server));

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
    expect(body).toContain('**Merging applies nothing from this commit:**');
    // The errors themselves, each with file:line, not just a pointer to the log.
    expect(body).toMatch(/- ❌ `mappings\/team\.yaml:2:\d+`: /);
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
    // Small plans read like the plugin's mapped-user list; an add links to its line at the PR's head.
    // No directory here, so the YAML's name is the only one known: shown, marked as the YAML's.
    expect(body).toContain(`| \`${userId(1)}\` (YAML name: Ada Lovelace) | \`42\` | ➕ add | [\`mappings/team.yaml:2\`](https://github.com/acme/crm-mappings/blob/${HEAD_SHA}/mappings/team.yaml#L2) |`);
    expect(body).toContain(`| Bob Ng \`${userId(3)}\` | Bob Ng \`7\` | ➖ remove |  |`);
    expect(body).toContain('**Merging applies these 3 changes to `file:.mapsync/live.json`:** 1 removal, then 2 additions.');
    expect(body.indexOf('removal')).toBeLessThan(body.indexOf('addition'));
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

  it('keeps all 400 removals of a 20,000-change plan in the comment, first, and points at the artifact', async () => {
    // 2,000 kept, 400 live-only (removed), 19,600 new: 20,000 changes, 400 of 2,400 removed (under the guard).
    const kept = Array.from({ length: 2_000 }, (_, i) => ({ n: i + 1, outreach: i + 1, name: `Kept ${i + 1}` }));
    const gone = Array.from({ length: 400 }, (_, i) => ({ n: 50_000 + i, outreach: 50_000 + i, name: `Gone ${i + 1}` }));
    const added = Array.from({ length: 19_600 }, (_, i) => ({ n: 100_000 + i, outreach: 100_000 + i, name: `Rep ${i + 1}` }));
    const dir = await project([...kept, ...added], [...kept, ...gone]);
    const env = await actionsEnv(dir, github.url, { pr: PR });
    const result = await runCli(['plan', '--github-comment'], { cwd: dir, env, timeoutMs: 180_000 });
    expect(result.stderr).toContain('Posted the plan');
    expect(result.code).toBe(0);
    const body = github.commentsOn(PR)[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('### mapsync plan: 19,600 to add, 400 to remove');
    expect(body).toContain('**Plan: 19,600 to add, 400 to remove, 2,000 unchanged.**');
    expect(body).not.toMatch(/\b(19600|20000|2000)\b/);
    // Every removal is listed, before any addition, and none is folded away.
    for (const g of gone) expect(body).toContain(`- ${userId(g.n)} <-> ${g.outreach}`);
    const firstAdd = body.indexOf(`+ ${userId(100_000)}`);
    expect(firstAdd).toBeGreaterThan(body.lastIndexOf(`- ${userId(50_399)}`));
    expect(body.slice(0, body.lastIndexOf(`- ${userId(50_399)}`))).not.toContain('<details>');
    // What was cut is counted, and where the rest is comes before the list.
    const note = /This lists ([\d,]+) of 20,000 changes to fit GitHub's size limit: all 400 removals, ([\d,]+) of 19,600 additions\./.exec(body);
    expect(note).not.toBeNull();
    expect(body).toContain('Every change is in the `mapsync-plan` artifact of [this workflow run](https://github.com/acme/crm-mappings/actions/runs/4242#artifacts)');
    expect(body.indexOf('mapsync-plan` artifact')).toBeLessThan(body.indexOf(`- ${userId(50_000)}`));
    const more = /_… and ([\d,]+) more not listed here\._/.exec(body);
    expect(Number(more![1]!.replace(/,/g, '')) + Number(note![2]!.replace(/,/g, ''))).toBe(19_600);
    // Code blocks and <details> are closed.
    expect(body.match(/^```/gm)!.length % 2).toBe(0);
    expect(body.match(/<details>/g)?.length).toBe(body.match(/<\/details>/g)?.length);
    // The job summary: within 1 MiB, as much as fits, removals first, pointing at the artifact too.
    const summary = await readFile(join(dir, 'step-summary.md'), 'utf8');
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(1024 * 1024);
    for (const g of gone) expect(summary).toContain(`- ${userId(g.n)} <-> ${g.outreach}`);
    expect(summary).toContain('`mapsync-plan` artifact');
    expect(summary.match(/^\+ /gm)!.length).toBeGreaterThan(body.match(/^\+ /gm)!.length * 5);
  });

  it('links a cut comment to the job summary when the whole plan fits there', async () => {
    const desired = Array.from({ length: 3_000 }, (_, i) => ({ n: i + 1, outreach: 100_000 + i, name: `Rep ${i + 1}` }));
    const dir = await project(desired);
    const env = await actionsEnv(dir, github.url, { pr: PR });
    const result = await runCli(['plan', '--github-comment'], { cwd: dir, env, timeoutMs: 120_000 });
    expect(result.code).toBe(0);
    const body = github.commentsOn(PR)[0]!.body;
    expect(body).toContain('Every change is in the [job summary](https://github.com/acme/crm-mappings/actions/runs/4242).');
    const summary = await readFile(join(dir, 'step-summary.md'), 'utf8');
    // Every change, no 10,000-line cap, no cut note.
    expect(summary.match(/^\+ /gm)).toHaveLength(3_000);
    expect(summary).not.toContain('This lists');
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
    expect(github.commentsOn(PR)[0]!.body).toContain('Leaky `***`');
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
