// The plugin checklist folded into the plan comment: the real CLI posts to the fake GitHub, and
// GitHub's parser (cmark-gfm) shows what a reviewer gets — one <details> holding the checklist as
// a code block, names as plain text inside it, and never at the expense of the plan.
import cmark from 'cmark-gfm';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import type { FakeGitHub } from '../fakes/githubServer.js';
import { actionsEnv, fakeGitHubPerTest, liveJson, mappingsYaml, TOKEN, userId } from './helpers.js';

const PR = 9;
let github: FakeGitHub;
const cleanups = fakeGitHubPerTest((server) => (github = server));

type Entry = { n: number; outreach: number; name?: string };

async function comment(desired: Entry[], live: Entry[], extraArgs: string[] = []): Promise<string> {
  const p = await makeProject({ 'mappings/team.yaml': mappingsYaml(desired), '.mapsync/live.json': liveJson(live) });
  cleanups.push(p.cleanup);
  const result = await runCli(['plan', '--github-comment', ...extraArgs], { cwd: p.dir, env: await actionsEnv(p.dir, github.url, { pr: PR }) });
  expect(result.code, result.stderr).toBe(0);
  return github.commentsOn(PR)[0]!.body;
}

const html = (markdown: string) => cmark.renderHtmlSync(markdown, { extensions: { table: true, strikethrough: true, autolink: true, tagfilter: true, tasklist: true }, unsafe: true });

describe('the plugin checklist in the plan comment', () => {
  it('folds the checklist after the changes, as a code block no name can break out of', async () => {
    const hostile = 'Eve ``` </details> <img src=x onerror=alert(1)> @someone #12';
    const body = await comment(
      [{ n: 1, outreach: 42, name: 'Ada Lovelace' }],
      [{ n: 3, outreach: 7, name: hostile }],
    );
    expect(body).toContain('<summary>Plugin checklist (2 steps): the clicks in the CRM plugin screen, for orgs that keep its mapped-user list by hand</summary>');
    // After the changes, so it never pushes the plan down.
    expect(body.indexOf('<summary>Plugin checklist')).toBeGreaterThan(body.indexOf('Ada Lovelace'));

    const rendered = html(body);
    expect(rendered.match(/<details>/g)).toHaveLength(1);
    expect(rendered.match(/<\/details>/g)).toHaveLength(1);
    const block = /<details>[\s\S]*?<pre><code class="language-text">([\s\S]*?)<\/code><\/pre>[\s\S]*?<\/details>/.exec(rendered);
    expect(block, rendered).not.toBeNull();
    const checklist = block![1]!;
    expect(checklist).toContain(`1. Search for ${userId(3)} and remove its mapping:`);
    expect(checklist).toContain('2. Add a mapping:');
    expect(checklist).toContain('mapsync does not click anything in the plugin screen');
    // The hostile name is text inside the block: escaped, whole, and nothing of it outside.
    expect(checklist).toContain('Eve ``` &lt;/details&gt; &lt;img src=x onerror=alert(1)&gt; @someone #12');
    expect(rendered).not.toMatch(/<img/);
  });

  it('points at the command instead of folding a checklist too long for the comment', async () => {
    const live = Array.from({ length: 300 }, (_, i) => ({ n: i + 1, outreach: i + 1, name: `Rep ${i + 1}` }));
    const desired = Array.from({ length: 300 }, (_, i) => ({ n: 1000 + i, outreach: 1000 + i, name: `New ${i + 1}` }));
    // 600 changes remove all 300 live mappings: the guard fires, which is fine for this test.
    const body = await comment(desired, live);
    expect(body).not.toContain('<summary>Plugin checklist');
    expect(body).toContain("**Plugin checklist** (600 steps), for orgs that keep the CRM plugin's mapped-user list by hand: `npx mapsync plan --format checklist` prints the clicks to make");
    expect(body.length).toBeLessThanOrEqual(65_536);
  });

  it('points at checklist.txt in the mapsync-plan artifact when the workflow saves the plan for it', async () => {
    const desired = Array.from({ length: 300 }, (_, i) => ({ n: i + 1, outreach: i + 1 }));
    const body = await comment(desired, [], ['--out', 'plan.json']);
    expect(body).toContain("**Plugin checklist** (300 steps), for orgs that keep the CRM plugin's mapped-user list by hand: it is `checklist.txt` in the `mapsync-plan` artifact of the workflow run, and `npx mapsync plan --format checklist` prints it.");
  });

  it('has no checklist for a plan without changes', async () => {
    const same = [{ n: 1, outreach: 42, name: 'Ada Lovelace' }];
    const body = await comment(same, same);
    expect(body).not.toMatch(/Plugin checklist/);
  });
});
