// `apply --github-comment` end to end: the real CLI applies (file store, or the fake Outreach API
// when changes must fail), then finds the PR merged into GITHUB_SHA on the fake GitHub
// (GET /commits/{sha}/pulls) and posts the outcome there — or, with no such PR, only the job summary.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import cmark from 'cmark-gfm';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import type { FakeGitHub } from '../fakes/githubServer.js';
import { startFakeOutreach } from '../fakes/outreachServer.js';
import { crmId as outreachCrmId, makeUsers } from '../outreach/helpers.js';
import { fakeGitHubPerTest, liveJson, mappingsYaml, TOKEN } from './helpers.js';

const MARKER = '<!-- mapsync:apply -->';
const MERGE_SHA = '9c0ffee5a1b2c3d4e5f60718293a4b5c6d7e8f90';
const RUN_URL = 'https://github.com/acme/crm-mappings/actions/runs/4343';

let github: FakeGitHub;
const cleanups = fakeGitHubPerTest((server) => (github = server));

/** The environment of the apply workflow's job: a push to main whose head is MERGE_SHA. */
async function pushEnv(dir: string): Promise<Record<string, string>> {
  const eventPath = join(dir, 'push-event.json');
  await writeFile(eventPath, JSON.stringify({ ref: 'refs/heads/main', before: '1'.repeat(40), after: MERGE_SHA }));
  return {
    GITHUB_TOKEN: TOKEN,
    GITHUB_REPOSITORY: 'acme/crm-mappings',
    GITHUB_API_URL: github.url,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SHA: MERGE_SHA,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4343',
    GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md'),
  };
}

async function fileProject(desired: { n: number; outreach: number; name?: string }[], live: { n: number; outreach: number; name?: string }[]) {
  const p = await makeProject({ 'mappings/team.yaml': mappingsYaml(desired), '.mapsync/live.json': liveJson(live) });
  cleanups.push(p.cleanup);
  return p.dir;
}

const lookups = () => github.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/commits/${MERGE_SHA}/pulls`));
const commentWrites = () => github.requests.filter((r) => r.method === 'POST' || r.method === 'PATCH');

describe('apply --github-comment', () => {
  it('posts the counts and the run link on the merged pull request, and edits the same comment when the workflow runs again', async () => {
    const dir = await fileProject(
      [{ n: 1, outreach: 42, name: 'Ada Lovelace' }, { n: 2, outreach: 57, name: 'Grace Hopper' }],
      [{ n: 3, outreach: 7, name: 'Bob Ng' }],
    );
    const env = await pushEnv(dir);
    const pr = github.commitPulls.seedMergedPull(MERGE_SHA, { title: 'Add Ada and Grace' });
    // An open PR that also holds the commit is not the one that was merged.
    github.commitPulls.seedOpenPull(MERGE_SHA);
    expect((await runCli(['plan', '--out', 'plan.json'], { cwd: dir })).code).toBe(0);

    const applied = await runCli(['apply', 'plan.json', '--github-comment'], { cwd: dir, env });
    expect(applied.stderr).toContain(`Posted the apply outcome on pull request #${pr.number}.`);
    expect(applied.code).toBe(0);
    expect(lookups()).toHaveLength(1);
    const comments = github.commentsOn(pr.number);
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body;
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toContain('### ✅ mapsync applied this pull request: 3 changes made');
    expect(body).toContain('**3 changes made** (2 added, 1 removed), **0 failed**.');
    expect(body).toContain(`[\`9c0ffee\`](https://github.com/acme/crm-mappings/commit/${MERGE_SHA})`);
    expect(body).toContain(`[workflow run](${RUN_URL})`);
    expect(body).toContain('store `file:.mapsync/live.json`');
    // The job summary still has the outcome too.
    expect(await readFile(join(dir, 'step-summary.md'), 'utf8')).toContain('Applied: 2 added, 1 removed.');
    for (const r of github.requests) expect(r.rawBody).not.toContain(TOKEN);

    // A re-run of the workflow for the same commit updates that comment rather than adding one.
    const again = await runCli(['apply', '--auto-approve', '--github-comment'], { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`Updated the apply outcome on pull request #${pr.number}.`);
    expect(github.commentsOn(pr.number)).toHaveLength(1);
    expect(github.commentsOn(pr.number)[0]!.body).toContain('### ✅ mapsync apply: nothing to change');
    expect(commentWrites().map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /repos/acme/crm-mappings/issues/${pr.number}/comments`,
      `PATCH /repos/acme/crm-mappings/issues/comments/${github.commentsOn(pr.number)[0]!.id}`,
    ]);
  });

  it('names the first failures (as data, in code spans), counts the rest, and keeps exit code 1', async () => {
    // 12 Outreach seats to map; every write but the first is refused by the API.
    const users = makeUsers(12);
    users[1]!.firstName = '@octocat <img src=x onerror=alert(1)>';
    users[1]!.lastName = 'see #12 [x](https://evil.example)';
    const outreach = await startFakeOutreach({ users, tokens: ['outreach-token-apply-comment'] });
    cleanups.push(() => outreach.close());
    const entries = users.map((u) => `  - crmUserId: ${outreachCrmId(u.id)}\n    outreachUserId: ${u.id}\n    name: "${u.id === 2 ? '@octocat <b>x</b> GH-7 acme/other#9' : `User ${u.id}`}"\n`);
    const p = await makeProject({ 'mappings/team.yaml': `mappings:\n${entries.join('')}` });
    cleanups.push(p.cleanup);
    const env = { ...(await pushEnv(p.dir)), OUTREACH_ACCESS_TOKEN: 'outreach-token-apply-comment', OUTREACH_API_URL: outreach.apiUrl };
    const pr = github.commitPulls.seedMergedPull(MERGE_SHA);
    outreach.faults.push({ method: 'PATCH', path: '/users/', status: 400, times: 11, fromRequest: 3 });

    const result = await runCli(['apply', '--store', 'outreach', '--auto-approve', '--github-comment'], { cwd: p.dir, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('11 of 12 changes failed');
    const body = github.commentsOn(pr.number)[0]!.body;
    expect(body).toContain('### ❌ mapsync apply: 1 change made, 11 failed');
    expect(body).toContain('**1 change made** (1 added, 0 removed), **11 failed**:');
    const failures = body.split('\n').filter((l) => l.startsWith('- '));
    expect(failures).toHaveLength(11); // 10 by name, then the count of the rest
    for (const line of failures.slice(0, 10)) expect(line).toMatch(/^- `failed to add [^`]+`$/);
    expect(failures[10]).toBe('- … and 1 more failure: the journal lists every one');
    expect(body).toContain(`failed to add ${outreachCrmId(2)} <-> 2 (@octocat <b>x</b> GH-7 acme/other#9, mappings/team.yaml:5)`);
    // Rendered by GitHub's parser, the data is text inside <code>: no element, link, mention or
    // reference can come from a name or a store message.
    const html = cmark.renderHtmlSync(body, { extensions: { table: true, strikethrough: true, autolink: true, tagfilter: true }, unsafe: true });
    const outsideCode = html.replace(/<code>[^<]*<\/code>/g, '<code/>');
    expect(outsideCode).not.toMatch(/<(img|b|script)\b|@octocat|#9|#12|GH-7|evil\.example/);
    expect([...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1])).toEqual([
      `https://github.com/acme/crm-mappings/commit/${MERGE_SHA}`,
      RUN_URL,
      RUN_URL,
    ]);
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(body).toContain('Fix the cause, then run the apply workflow again');
    expect(body).toMatch(/Every outcome is in the journal `\.mapsync\/journal\.jsonl`/);
  });

  it('writes only the job summary when no pull request was merged into the commit (a direct push)', async () => {
    const dir = await fileProject([{ n: 1, outreach: 42, name: 'Ada Lovelace' }], []);
    const env = await pushEnv(dir);
    github.commitPulls.seedLoneCommit(MERGE_SHA);
    github.commitPulls.seedOpenPull(MERGE_SHA); // open PRs holding it do not count

    const result = await runCli(['apply', '--auto-approve', '--github-comment'], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('No pull request was merged into commit 9c0ffee: the outcome is in the job summary only.');
    expect(lookups()).toHaveLength(1);
    expect(commentWrites()).toEqual([]);
    expect(await readFile(join(dir, 'step-summary.md'), 'utf8')).toContain('Applied: 1 added, 0 removed.');
  });

  it('says on the pull request when apply refused the plan (removal guard), and still exits 1', async () => {
    const live = Array.from({ length: 12 }, (_, i) => ({ n: i + 1, outreach: i + 1, name: `User ${i + 1}` }));
    const dir = await fileProject(live.slice(0, 3), live);
    const env = await pushEnv(dir);
    const pr = github.commitPulls.seedMergedPull(MERGE_SHA);
    expect((await runCli(['plan', '--out', 'plan.json'], { cwd: dir })).code).toBe(0);

    const result = await runCli(['apply', 'plan.json', '--github-comment'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: refusing an unsafe plan/m);
    const body = github.commentsOn(pr.number)[0]!.body;
    expect(body).toContain('### ❌ mapsync apply stopped');
    expect(body).toMatch(/apply stopped with: `refusing an unsafe plan: Too many removals: 75\.0% is over 25\.0% \(9 of 12\)/);
    expect(body).toContain('What to do: `check the removals; if they are intended, run apply again with --force`');
    expect(body).toContain(`[workflow run](${RUN_URL})`);
  });

  it('--plan-failed (the apply workflow\'s plan step failed): tells the merged pull request nothing was applied, and writes no store', async () => {
    const dir = await fileProject([{ n: 1, outreach: 42 }], []);
    const env = await pushEnv(dir);
    const pr = github.commitPulls.seedMergedPull(MERGE_SHA);
    const before = await readFile(join(dir, '.mapsync/live.json'), 'utf8');

    const result = await runCli(['apply', '--github-comment', '--plan-failed'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('mapsync apply: the plan could not be made, so nothing was applied');
    const body = github.commentsOn(pr.number)[0]!.body;
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toContain('### ❌ mapsync apply stopped');
    expect(body).toContain('apply stopped with: `the plan could not be made, so nothing was applied`');
    expect(body).toContain(`[workflow run](${RUN_URL})`);
    expect(await readFile(join(dir, '.mapsync/live.json'), 'utf8')).toBe(before);
    expect(await readFile(join(dir, 'step-summary.md'), 'utf8')).toContain('Not applied: the plan could not be made');
  });

  it('keeps the exit code of the apply when GitHub refuses the comment: a warning, not a failure', async () => {
    const dir = await fileProject([{ n: 1, outreach: 42 }], []);
    const env = await pushEnv(dir);
    const pr = github.commitPulls.seedMergedPull(MERGE_SHA);
    github.failOnce('POST', new RegExp(`/issues/${pr.number}/comments$`), 403);

    const result = await runCli(['apply', '--auto-approve', '--github-comment'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Apply complete: 1 added, 0 removed.');
    expect(result.stderr).toMatch(/^warning: could not post the apply outcome on the pull request: GitHub refused commenting on #\d+ \(403/m);
    expect(github.commentsOn(pr.number)).toEqual([]);
  });
});
