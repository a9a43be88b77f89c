// `drift --github-issue` end to end: the real CLI and octokit against the fake GitHub.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import type { FakeGitHub } from '../fakes/githubServer.js';
import { actionsEnv, fakeGitHubPerTest, liveJson, mappingsYaml, TOKEN, userId } from './helpers.js';

let github: FakeGitHub;
const cleanups = fakeGitHubPerTest((server) => (github = server));

const desired = [{ n: 1, outreach: 42, name: 'Ada Lovelace' }, { n: 2, outreach: 57, name: 'Grace Hopper' }];

async function project(live: { n: number; outreach: number; name?: string }[]) {
  const p = await makeProject({ 'mappings/team.yaml': mappingsYaml(desired), '.mapsync/live.json': liveJson(live) });
  cleanups.push(p.cleanup);
  return p.dir;
}

const setLive = (dir: string, live: { n: number; outreach: number; name?: string }[]) => writeFile(join(dir, '.mapsync/live.json'), liveJson(live));
const writes = () => github.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace('/repos/acme/crm-mappings', '')}`);
const openDrift = () => github.issues.filter((i) => i.state === 'open' && i.labels.includes('mapping-drift'));

describe('drift --github-issue', () => {
  it('opens one issue while drift exists, updates it, and closes it with a comment once in sync', async () => {
    // Live lacks Grace and has a stray mapping: drift.
    const dir = await project([{ n: 1, outreach: 42, name: 'Ada Lovelace' }, { n: 9, outreach: 99, name: 'Stray Seat' }]);
    const env = await actionsEnv(dir, github.url);

    const first = await runCli(['drift', '--github-issue'], { cwd: dir, env });
    expect(first.code).toBe(2);
    expect(first.stderr).toMatch(/Drift found: opened issue #1/);
    expect(writes()).toEqual(['POST /labels', 'POST /issues']);
    expect(github.labels.get('mapping-drift')).toMatchObject({ name: 'mapping-drift' });
    expect(openDrift()).toHaveLength(1);
    const issue = openDrift()[0]!;
    expect(issue.title).toBe('Mapping drift: 1 to add, 1 to remove');
    expect(issue.body.startsWith('<!-- mapsync:drift -->')).toBe(true);
    expect(issue.body).toContain(`| Stray Seat \`${userId(9)}\` | Stray Seat \`99\` | ➖ live only |  |`);
    expect(issue.body).toContain(`\`${userId(2)}\``);
    expect(issue.body).toContain('npx mapsync import');

    // Drift changes shape: the same issue is updated, the label is not recreated.
    await setLive(dir, [{ n: 9, outreach: 99, name: 'Stray Seat' }]);
    const second = await runCli(['drift', '--github-issue'], { cwd: dir, env });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/Drift found: updated issue #1/);
    expect(writes().slice(2)).toEqual(['PATCH /issues/1']);
    expect(openDrift()).toHaveLength(1);
    expect(issue.title).toBe('Mapping drift: 2 to add, 1 to remove');
    expect(issue.body).toContain(`\`${userId(1)}\``);

    // In sync: a "Drift resolved" comment, then the issue is closed.
    await setLive(dir, desired);
    const third = await runCli(['drift', '--github-issue'], { cwd: dir, env });
    expect(third.code).toBe(0);
    expect(third.stderr).toContain('Drift resolved: closed issue #1');
    expect(writes().slice(3)).toEqual(['POST /issues/1/comments', 'PATCH /issues/1']);
    expect(github.commentsOn(1)[0]!.body).toMatch(/^Drift resolved: `file:\.mapsync\/live\.json` matches `mappings\/` again/);
    expect(issue.state).toBe('closed');
    expect(issue.stateReason).toBe('completed');

    // Still in sync and no open issue: nothing is written.
    const fourth = await runCli(['drift', '--github-issue'], { cwd: dir, env });
    expect(fourth.code).toBe(0);
    expect(writes()).toHaveLength(5);

    for (const r of [first, second, third, fourth]) expect(r.stdout + r.stderr).not.toContain(TOKEN);
    for (const r of github.requests) expect(r.rawBody).not.toContain(TOKEN);
    expect(await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8')).not.toContain(TOKEN);
  });

  it('reuses an existing label and keeps at most one open issue, ignoring pull requests', async () => {
    const dir = await project([{ n: 1, outreach: 42, name: 'Ada Lovelace' }]);
    const env = await actionsEnv(dir, github.url);
    const older = github.seedIssue({ title: 'Mapping drift (by hand)', labels: ['mapping-drift'] });
    const newer = github.seedIssue({ title: 'Mapping drift again', labels: ['mapping-drift'] });
    const pr = github.seedIssue({ title: 'A pull request with the label', labels: ['mapping-drift'], isPullRequest: true });

    const result = await runCli(['drift', '--github-issue'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(writes()).toEqual([`PATCH /issues/${older.number}`, `POST /issues/${newer.number}/comments`, `PATCH /issues/${newer.number}`]);
    expect(older.state).toBe('open');
    expect(older.body).toContain(`\`${userId(2)}\``);
    expect(newer.state).toBe('closed');
    expect(github.commentsOn(newer.number)[0]!.body).toBe(`Duplicate of #${older.number}, which tracks this drift.`);
    expect(pr.state).toBe('open');
  });

  it('plan errors (a mapped user the CRM no longer has) keep the issue open, never close it', async () => {
    const dir = await project(desired);
    const env = await actionsEnv(dir, github.url);
    const open = github.seedIssue({ title: 'Mapping drift: old', labels: ['mapping-drift'] });
    // The store is in sync, but the CRM directory no longer knows user 2.
    await writeFile(join(dir, '.mapsync/live.json'), JSON.stringify({
      ...JSON.parse(liveJson(desired)),
      crmUsers: [{ id: userId(1), name: 'Ada Lovelace', active: true }],
    }));
    const result = await runCli(['drift', '--github-issue'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(open.state).toBe('open');
    expect(open.title).toBe('Mapping drift: plan errors');
    expect(open.body).toContain('`mappings/team.yaml:');
    expect(open.body).toContain('unknown-crm-user');
    expect(writes()).toEqual([`PATCH /issues/${open.number}`]);
  });

  it('a rate-limited issue creation is retried after retry-after', async () => {
    const dir = await project([]);
    const env = await actionsEnv(dir, github.url);
    github.secondaryRateLimitOnce('POST', /\/issues$/, 1);
    const result = await runCli(['drift', '--github-issue'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(github.requests.filter((r) => r.path.endsWith('/issues') && r.method === 'POST').map((r) => r.status)).toEqual([403, 201]);
    expect(openDrift()).toHaveLength(1);
  });

  it('without GITHUB_TOKEN: one error line, exit 1, nothing sent', async () => {
    const dir = await project([]);
    const env = { ...(await actionsEnv(dir, github.url)), GITHUB_TOKEN: undefined };
    const result = await runCli(['drift', '--github-issue'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: GITHUB_TOKEN is not set: needed to post to GitHub$/m);
    expect(github.requests).toHaveLength(0);
  });
});
