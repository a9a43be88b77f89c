// The clicks loop end to end (CONTRACT §12): a read-only store's plan is clicks; `apply
// --github-issue` keeps them in one open `mapsync-clicks` issue for the pushed commit, a second
// apply updates that issue, `drift --github-issue` leaves it open while clicks remain and closes it
// once the plugin's list (here the users CSV, edited the way the admin's clicks change it) matches
// mappings/. The real CLI against the fake GitHub; the bodies rendered with GitHub's parser.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { gfmProblems, renderGfm, visibleText } from '../helpers/gfm.js';
import type { FakeGitHub } from '../fakes/githubServer.js';
import { exportCsv, exportProject, mappingsYaml, type ExportUser } from '../pluginExport/support.js';
import { actionsEnv, fakeGitHubPerTest, TOKEN, userId } from './helpers.js';

let github: FakeGitHub;
const cleanups = fakeGitHubPerTest((server) => (github = server));

const ada: ExportUser = { id: 42, first: 'Ada', last: 'Lovelace', email: 'ada@example.com', external: userId(1) };
const grace: ExportUser = { id: 57, first: 'Grace', last: 'Hopper', email: 'grace@example.com', external: userId(2) };
const free: ExportUser = { id: 77, first: 'Free', last: 'Seat', external: '' };

async function project(users: ExportUser[], yaml: string): Promise<string> {
  const p = await exportProject({ csv: exportCsv(users), yaml });
  cleanups.push(p.cleanup);
  return p.dir;
}

const writes = () => github.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace('/repos/acme/crm-mappings', '')}`);
const openClicks = () => github.issues.filter((i) => i.state === 'open' && i.labels.includes('mapsync-clicks'));
const LINKS = { linkPrefixes: ['https://github.com/acme/crm-mappings/'] };

describe('the clicks loop: apply --github-issue, then drift --github-issue', () => {
  it('opens one issue with the clicks as a task list, updates it in place, and drift closes it once the list matches', async () => {
    // The plugin maps Grace's seat to CRM user 2; mappings/ wants CRM user 3 there, and the free seat mapped to 4.
    // No CRM directory is read: the YAML name is the only name of CRM user 3 there is.
    const wanted = [{ crm: userId(1), outreach: 42 }, { crm: userId(3), outreach: 57, name: 'Grace Hopper' }, { crm: userId(4), outreach: 77 }];
    const dir = await project([ada, grace, free], mappingsYaml(wanted));
    const env = await actionsEnv(dir, github.url);

    const first = await runCli(['apply', '--auto-approve', '--github-issue'], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Not applied: plugin-export:users\.csv is the CRM plugin's own list, which has no write API; the 3 clicks are in issue #1\b/m);
    expect(writes()).toEqual(['POST /labels', 'POST /issues']);
    expect(openClicks()).toHaveLength(1);
    const issue = openClicks()[0]!;
    expect(issue.title).toBe('Plugin mappings: 3 clicks to make for fffffff');
    expect(issue.body.startsWith('<!-- mapsync:clicks -->')).toBe(true);
    expect(issue.body).toContain('`fffffff`');
    const tasks = issue.body.split('\n').filter((l) => l.startsWith('- [ ] '));
    expect(tasks).toEqual([
      `- [ ] 1. Search for \`${userId(2)}\` and remove its mapping to Outreach user Grace Hopper \`57\``,
      `- [ ] 2. Add a mapping: CRM user \`${userId(3)}\` (YAML name: Grace Hopper) ↔ Outreach user Grace Hopper \`57\`, then Save`,
      `- [ ] 3. Add a mapping: CRM user \`${userId(4)}\` ↔ Outreach user Free Seat \`77\`, then Save`,
    ]);
    // Who changes the list is said once (the footer), not again above the verdict.
    expect(issue.body.match(/plugin screen changes/g)).toHaveLength(1);
    expect(issue.body).toMatch(/^Planned \d{4}-\d\d-\d\d \d\d:\d\d UTC by `mapsync apply` for the pushed commit\.$/m);
    expect(issue.body).toContain("**The plugin's list (`plugin-export:users.csv`) does not match `mappings/` yet:** these 3 clicks make it match");
    expect(gfmProblems(issue.body, LINKS)).toEqual([]);
    expect(renderGfm(issue.body).match(/<input type="checkbox" disabled="" \/>/g)).toHaveLength(3);
    // Nothing was written but the issue: no journal, no snapshot, the CSV as it was.
    expect(existsSync(join(dir, '.mapsync'))).toBe(false);
    expect(await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8')).toMatch(/Not applied: .*mapsync-clicks/);

    // A second apply (another merge, one click fewer) updates the same issue: never a second.
    await writeFile(join(dir, 'mappings/team.yaml'), mappingsYaml(wanted.slice(0, 2)));
    const second = await runCli(['apply', '--auto-approve', '--github-issue'], { cwd: dir, env });
    expect(second.code, second.stderr).toBe(0);
    expect(writes().slice(2)).toEqual(['PATCH /issues/1']);
    expect(openClicks()).toHaveLength(1);
    expect(issue.title).toBe('Plugin mappings: 2 clicks to make for fffffff');
    expect(issue.body).not.toContain(userId(4));

    // drift while the admin has made only the removal: the issue stays open with what remains.
    await writeFile(join(dir, 'users.csv'), exportCsv([ada, { ...grace, external: '' }, free]));
    const midway = await runCli(['drift', '--github-issue', '--github-pr'], { cwd: dir, env });
    expect(midway.code, midway.stderr).toBe(2);
    expect(writes().slice(3)).toEqual(['PATCH /issues/1']);
    expect(issue.state).toBe('open');
    expect(issue.body.split('\n').filter((l) => l.startsWith('- [ ] '))).toEqual([
      `- [ ] 1. Add a mapping: CRM user \`${userId(3)}\` (YAML name: Grace Hopper) ↔ Outreach user Grace Hopper \`57\`, then Save`,
    ]);
    expect(issue.body).toMatch(/Checked again .* by `mapsync drift`: these clicks remain/);

    // The admin's last click: the list matches, drift comments and closes the issue.
    await writeFile(join(dir, 'users.csv'), exportCsv([ada, { ...grace, external: userId(3) }, free]));
    const done = await runCli(['drift', '--github-issue', '--github-pr'], { cwd: dir, env });
    expect(done.code, done.stderr).toBe(0);
    expect(writes().slice(4)).toEqual(['POST /issues/1/comments', 'PATCH /issues/1']);
    expect(issue.state).toBe('closed');
    expect(issue.stateReason).toBe('completed');
    expect(github.commentsOn(1)[0]!.body).toMatch(/^Verified: the plugin's list \(`plugin-export:users\.csv`\) matches `mappings\/`/);
    expect(gfmProblems(github.commentsOn(1)[0]!.body, LINKS)).toEqual([]);

    // Nothing to click and no open issue: apply and drift write nothing, and the drift issue was never used.
    const quiet = await runCli(['apply', '--auto-approve', '--github-issue'], { cwd: dir, env });
    expect(quiet.code, quiet.stderr).toBe(0);
    const quietDrift = await runCli(['drift', '--github-issue'], { cwd: dir, env });
    expect(quietDrift.code).toBe(0);
    expect(writes()).toHaveLength(6);
    expect(github.issues.filter((i) => i.labels.includes('mapping-drift'))).toEqual([]);
    for (const r of [first, second, midway, done, quiet]) expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it("the apply workflow's step (saved plan, --github-comment --github-issue) tells the merged pull request where the clicks are", async () => {
    const dir = await project([ada, grace], mappingsYaml([{ crm: userId(1), outreach: 42 }]));
    const env = await actionsEnv(dir, github.url);
    const pr = github.commitPulls.seedMergedPull(env.GITHUB_SHA!, { title: 'Drop Grace' });
    expect((await runCli(['plan', '--out', 'mapsync-plan.json'], { cwd: dir })).code).toBe(0);
    const result = await runCli(['apply', 'mapsync-plan.json', '--github-comment', '--github-issue'], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(0);
    expect(openClicks()).toHaveLength(1);
    const [comment] = github.commentsOn(pr.number);
    expect(comment!.body).toMatch(/^<!-- mapsync:apply -->\n### 🖱️ mapsync apply: 1 click to make in the CRM plugin screen/);
    expect(comment!.body).toContain('Nothing was written: `plugin-export:users.csv` is the CRM plugin\'s own mapped-user list, which has no write API.');
    expect(comment!.body).toContain(`[the \`mapsync-clicks\` issue](https://github.com/acme/crm-mappings/issues/${openClicks()[0]!.number})`);
    expect(gfmProblems(comment!.body, LINKS)).toEqual([]);
    expect(existsSync(join(dir, '.mapsync'))).toBe(false);
  });

  it('apply --github-issue with nothing to click closes an open clicks issue', async () => {
    const dir = await project([ada], mappingsYaml([{ crm: userId(1), outreach: 42 }]));
    const env = await actionsEnv(dir, github.url);
    const open = github.seedIssue({ title: 'Plugin mappings: 1 click to make', labels: ['mapsync-clicks'] });
    const result = await runCli(['apply', '--auto-approve', '--github-issue'], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(0);
    expect(open.state).toBe('closed');
    expect(writes()).toEqual([`POST /issues/${open.number}/comments`, `PATCH /issues/${open.number}`]);
  });

  it('exits 1 when the issue cannot be kept, and still writes nothing else', async () => {
    const dir = await project([ada, grace], mappingsYaml([{ crm: userId(1), outreach: 42 }]));
    const env = { ...(await actionsEnv(dir, github.url)), GITHUB_TOKEN: undefined };
    const result = await runCli(['apply', '--auto-approve', '--github-issue'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: GITHUB_TOKEN is not set/m);
    expect(github.requests).toHaveLength(0);
    expect(existsSync(join(dir, '.mapsync'))).toBe(false);
  });

  it('keeps names from the export as data in every body it writes', async () => {
    const hostile = ['<img src=x onerror=alert(1)>', '@someone', '#12', 'owner/repo#9', '[x](https://evil.example/x)', 'www.x.com', 'a | b', '`tick`'];
    const users: ExportUser[] = hostile.map((h, i) => ({ id: 100 + i, first: 'Eve', last: h, external: i % 2 === 0 ? userId(10 + i) : '' }));
    const dir = await project(users, mappingsYaml(hostile.map((h, i) => ({ crm: userId(20 + i), outreach: 100 + i, name: `Yaml ${h}` }))));
    const env = await actionsEnv(dir, github.url, { pr: 7 });
    const result = await runCli(['apply', '--auto-approve', '--github-issue'], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(0);
    const body = openClicks()[0]!.body;
    expect(gfmProblems(body, LINKS)).toEqual([]);
    // Every name is still there for the admin to read, as text.
    const visible = visibleText(renderGfm(body));
    for (const h of hostile) expect(visible).toContain(`Eve ${h}`);

    const markdown = await runCli(['plan', '--format', 'markdown'], { cwd: dir });
    expect(markdown.code, markdown.stderr).toBe(0);
    expect(gfmProblems(markdown.stdout, LINKS)).toEqual([]);
    const comment = await runCli(['plan', '--github-comment', '--pr', '7'], { cwd: dir, env });
    expect(comment.code, comment.stderr).toBe(0);
    const posted = github.comments.find((c) => c.body.startsWith('<!-- mapsync:plan -->'))!;
    expect(posted.body).toContain('- [ ] 1. Search for');
    // The clicks lead the comment once; the folded plugin checklist of writable stores is not repeated.
    expect(posted.body).not.toContain('<summary>Plugin checklist');
    expect(gfmProblems(posted.body, LINKS)).toEqual([]);
  });
});
