// `plan --github-comment --pr N` in the plan workflow that runs on workflow_run: N comes from an
// artifact the pull request uploaded, so mapsync ties it to the commit GitHub started the run for
// (workflow_run.head_sha) before commenting, and links the source lines at that commit — not at
// GITHUB_SHA, which in a workflow_run run is the default branch.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import type { FakeGitHub } from '../fakes/githubServer.js';
import { actionsEnv, fakeGitHubPerTest, HEAD_SHA, liveJson, mappingsYaml, TOKEN } from './helpers.js';

const PR = 7;
const OTHER_PR = 8;
const DEFAULT_BRANCH_SHA = 'ffffffffffffffffffffffffffffffffffffffff';

let github: FakeGitHub;
const cleanups = fakeGitHubPerTest((server) => (github = server));

/** A pull request on the fake, with its head commit and the repository its head lives in. */
function seedPull(number: number, headSha: string, headRepo?: string | null) {
  github.seedIssue({ number, title: `PR ${number}`, isPullRequest: true });
  github.git.pulls.set(number, { number, head: `branch-${number}`, base: 'main', merged: false, headSha, ...(headRepo !== undefined ? { headRepo } : {}) });
}

/** A project holding the downloaded artifact's files, and the environment of a workflow_run run. */
async function workflowRunProject(yaml: string, extra: Record<string, string> = {}) {
  const p = await makeProject({ 'mappings/team.yaml': yaml, '.mapsync/live.json': liveJson([]), ...extra });
  cleanups.push(p.cleanup);
  const env = { ...(await actionsEnv(p.dir, github.url)), GITHUB_EVENT_NAME: 'workflow_run' };
  await writeFile(env.GITHUB_EVENT_PATH!, JSON.stringify({
    action: 'completed',
    workflow_run: { id: 99, event: 'pull_request', head_sha: HEAD_SHA, head_repository: { full_name: 'acme/crm-mappings' }, pull_requests: [] },
  }));
  expect(env.GITHUB_SHA).toBe(DEFAULT_BRANCH_SHA);
  return { dir: p.dir, env };
}

describe('plan --github-comment on workflow_run', () => {
  it('comments on the pull request whose head is the run\'s commit, with links at that commit (not the default branch)', async () => {
    seedPull(PR, HEAD_SHA);
    const { dir, env } = await workflowRunProject(mappingsYaml([{ n: 1, outreach: 42, name: 'Ada Lovelace' }]));
    const run = await runCli(['plan', '--github-comment', '--pr', String(PR)], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const body = github.commentsOn(PR)[0]!.body;
    expect(body).toContain(`https://github.com/acme/crm-mappings/blob/${HEAD_SHA}/mappings/team.yaml#L2`);
    expect(body).not.toContain(DEFAULT_BRANCH_SHA);
    expect(github.requests.some((r) => r.method === 'GET' && r.path.endsWith(`/pulls/${PR}`))).toBe(true);
  });

  it('refuses a pull request number whose head is another commit: no plan lands on someone else\'s pull request', async () => {
    seedPull(PR, HEAD_SHA);
    seedPull(OTHER_PR, 'a'.repeat(40));
    const { dir, env } = await workflowRunProject(mappingsYaml([{ n: 1, outreach: 42 }]));
    const run = await runCli(['plan', '--github-comment', '--pr', String(OTHER_PR)], { cwd: dir, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`pull request #${OTHER_PR}'s head is aaaaaaa, not ${HEAD_SHA.slice(0, 7)}`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // one line, no stack trace
    expect(github.comments).toEqual([]);
  });

  it('refuses a pull request from a fork, or from a deleted fork', async () => {
    seedPull(PR, HEAD_SHA, 'someone/crm-mappings');
    seedPull(OTHER_PR, HEAD_SHA, null);
    const { dir, env } = await workflowRunProject(mappingsYaml([{ n: 1, outreach: 42 }]));
    const fork = await runCli(['plan', '--github-comment', '--pr', String(PR)], { cwd: dir, env });
    expect(fork.code).toBe(1);
    expect(fork.stderr).toContain(`pull request #${PR} comes from someone/crm-mappings, not acme/crm-mappings`);
    const deleted = await runCli(['plan', '--github-comment', '--pr', String(OTHER_PR)], { cwd: dir, env });
    expect(deleted.code).toBe(1);
    expect(deleted.stderr).toContain('comes from a deleted fork');
    expect(github.comments).toEqual([]);
  });

  it('"no plan for this commit" after a failed validation goes through the same check', async () => {
    seedPull(PR, HEAD_SHA);
    seedPull(OTHER_PR, 'b'.repeat(40));
    const { dir, env } = await workflowRunProject('mappings:\n  - crmUserID: 005\n');
    const mine = await runCli(['plan', '--github-comment', '--pr', String(PR)], { cwd: dir, env });
    expect(mine.code).toBe(1);
    expect(github.commentsOn(PR)[0]!.body).toContain('no plan for this commit');
    const other = await runCli(['plan', '--github-comment', '--pr', String(OTHER_PR)], { cwd: dir, env });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`could not update the plan comment: pull request #${OTHER_PR}'s head is bbbbbbb`);
    expect(github.commentsOn(OTHER_PR)).toEqual([]);
  });

  it('refuses a config whose paths leave the pull request\'s folder (the config is the pull request\'s too)', async () => {
    seedPull(PR, HEAD_SHA);
    const cases: [string, string][] = [
      ['mappingsDir: ../../etc\n', 'mappingsDir "../../etc"'],
      ['store: plugin-export:/proc/self/environ\n', 'store "/proc/self/environ"'],
      ['store: file:../live.json\n', 'store "../live.json"'],
      ['stateDir: /tmp/state\n', 'stateDir "/tmp/state"'],
    ];
    for (const [config, named] of cases) {
      const { dir, env } = await workflowRunProject(mappingsYaml([{ n: 1, outreach: 42 }]), { 'mapsync.config.yaml': config });
      const run = await runCli(['plan', '--github-comment', '--pr', String(PR)], { cwd: dir, env });
      expect(run.code, config).toBe(1);
      expect(run.stderr, config).toContain(`mapsync.config.yaml: ${named} leaves the pull request's folder`);
      // The same config is the admin's own outside a workflow_run run, and is not refused for its paths.
      const local = await runCli(['validate'], { cwd: dir, env: { ...env, GITHUB_EVENT_NAME: 'push' } });
      expect(local.stderr, config).not.toContain('leaves the pull request');
    }
    expect(github.comments).toEqual([]);
  });
});
