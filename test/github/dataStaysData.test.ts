// Data stays data (CONTRACT §8): names, emails, notes, keys and file names that look like HTML,
// links, mentions or references reach every body mapsync writes — PR comment, job summaries, drift
// issue, `--format markdown`, the validate summary, the no-plan comment — and each body, rendered
// with GitHub's own parser (cmark-gfm), holds no element, link, mention, reference or table break
// that came from them. The real CLI against the fake GitHub, as in the other GitHub tests.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { gfmProblems, renderGfm, visibleText } from '../helpers/gfm.js';
import type { FakeGitHub } from '../fakes/githubServer.js';
import { actionsEnv, fakeGitHubPerTest, TOKEN, userId } from './helpers.js';

const PR = 7;
const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '<details open>',
  '<h1>big</h1>',
  '@someone',
  '@org/team',
  '#12',
  'GH-7',
  'owner/repo#9',
  '[x](https://evil.example/x)',
  'https://evil.example/bare',
  'www.x.com',
  'a | b',
  '`tick` ``two``',
  'ada@example.com',
];
// One person per hostile string, on both sides and in the YAML, so every column and claim gets one.
const people = HOSTILE.map((h, i) => ({ n: i + 1, outreach: 100 + i, yamlName: `Eve ${h}`, crmName: `Crm ${h}`, outreachName: `Seat ${h}` }));
const LINKS = { linkPrefixes: ['https://github.com/acme/crm-mappings/'] };

let github: FakeGitHub;
const cleanups = fakeGitHubPerTest((server) => (github = server));

function yamlOf(entries: { n: number; outreach: number; name: string; note?: string }[]): string {
  const lines = ['mappings:'];
  for (const e of entries) {
    lines.push(`  - crmUserId: ${userId(e.n)}`, `    outreachUserId: ${e.outreach}`, `    name: ${JSON.stringify(e.name)}`);
    if (e.note) lines.push(`    note: ${JSON.stringify(e.note)}`);
  }
  return lines.join('\n') + '\n';
}

/** Live: the first half mapped elsewhere (so they are replaces and removals); directories know everyone. */
function liveOf(): string {
  return JSON.stringify({
    mappings: people.slice(0, 7).map((p) => ({ crmUserId: userId(p.n), outreachUserId: p.outreach + 1000 })),
    crmUsers: people.map((p) => ({ id: userId(p.n), name: p.crmName, email: `${p.n}@example.com`, active: true })),
    outreachUsers: [
      ...people.map((p) => ({ id: p.outreach, name: p.outreachName, locked: false })),
      ...people.slice(0, 7).map((p) => ({ id: p.outreach + 1000, name: `Old ${HOSTILE[p.n - 1]}`, locked: false })),
    ],
  });
}

async function hostileProject(fileName = 'mappings/team @org #12 GH-7 a|b.yaml') {
  const p = await makeProject({
    [fileName]: yamlOf(people.slice(0, 12).map((p) => ({ n: p.n, outreach: p.outreach, name: p.yamlName, note: `note ${HOSTILE[p.n - 1]}` }))),
    '.mapsync/live.json': liveOf(),
  });
  cleanups.push(p.cleanup);
  return p.dir;
}

/** No markup from data, and every hostile string still reads as written (nothing swallowed, no table cut). */
function expectDataStaysData(markdown: string, mustShow: string[]) {
  expect(gfmProblems(markdown, LINKS)).toEqual([]);
  const seen = visibleText(renderGfm(markdown));
  for (const text of mustShow) expect(seen).toContain(text.replace(/\s+/g, ' '));
}

describe('data stays data in every body', () => {
  it('the PR comment, the job summary and --format markdown', async () => {
    const dir = await hostileProject();
    const env = await actionsEnv(dir, github.url, { pr: PR });
    const result = await runCli(['plan', '--github-comment'], { cwd: dir, env });
    expect(result.stderr).toContain('Posted the plan');
    expect(result.code).toBe(0);
    const comment = github.commentsOn(PR)[0]!.body;
    // Directory names on both sides, the YAML name beside them as the claim, the file name: all shown, none markup.
    const shown = [...people.slice(0, 12).flatMap((p) => [p.crmName, p.outreachName, p.yamlName]), 'team @org #12 GH-7 a|b.yaml'];
    expectDataStaysData(comment, shown);
    // Replaces are labelled and counted once: 7 re-pointed, 5 new.
    expect(comment).toContain('### mapsync plan: 5 to add, 0 to remove, 7 to replace');
    expect(comment.match(/🔁 replace \(new Outreach user\)/g)).toHaveLength(7);
    // The add's source links to its line at the PR's head commit (the file name percent-encoded).
    expect(renderGfm(comment)).toContain('href="https://github.com/acme/crm-mappings/blob/3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345/mappings/team%20%40org%20%2312%20GH-7%20a%7Cb.yaml#L2"');

    const summary = await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8');
    expectDataStaysData(summary, shown);
    const markdown = await runCli(['plan', '--format', 'markdown'], { cwd: dir });
    expect(markdown.code).toBe(0);
    expectDataStaysData(markdown.stdout, shown);
  });

  it('a large plan\'s diff lines keep hostile names inside the code block', async () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ n: 1000 + i, outreach: 5000 + i, name: `${HOSTILE[i % HOSTILE.length]} \`\`\` </details>` }));
    const p = await makeProject({ 'mappings/team.yaml': yamlOf(many), '.mapsync/live.json': JSON.stringify({ mappings: [] }) });
    cleanups.push(p.cleanup);
    const env = await actionsEnv(p.dir, github.url, { pr: PR });
    expect((await runCli(['plan', '--github-comment'], { cwd: p.dir, env })).code).toBe(0);
    const comment = github.commentsOn(PR)[0]!.body;
    expect(comment).toContain('```diff');
    expectDataStaysData(comment, many.map((m) => m.name));
  });

  it('the drift issue', async () => {
    const dir = await hostileProject('mappings/team.yaml');
    const env = await actionsEnv(dir, github.url);
    const result = await runCli(['drift', '--github-issue'], { cwd: dir, env });
    expect(result.code).toBe(2);
    const issue = github.issues.find((i) => i.labels.includes('mapping-drift'))!;
    expectDataStaysData(issue.body, people.slice(0, 12).flatMap((p) => [p.crmName, p.outreachName]));
    expectDataStaysData(await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8'), people.slice(0, 12).map((p) => p.crmName));
  });

  it('the validate job summary: keys, values and file names from broken YAML', async () => {
    const hostileKey = '<h1>x</h1> @someone #12 [x](https://evil.example)';
    const p = await makeProject({
      'mappings/<img src=x onerror=alert(1)> @team #3.yaml': `mappings:\n  - crmUserId: ${userId(1)}\n    outreachUserId: 5\n    ${JSON.stringify(hostileKey)}: "<details open>"\n`,
    });
    cleanups.push(p.cleanup);
    const env = await actionsEnv(p.dir, github.url);
    const result = await runCli(['validate'], { cwd: p.dir, env });
    expect(result.code).toBe(1);
    const summary = await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8');
    expect(summary).toContain('| where | code | problem |');
    expectDataStaysData(summary, ['<img src=x onerror=alert(1)> @team #3.yaml']);
  });

  it('the no-plan comment names the first errors (file:line: message), data kept as data', async () => {
    const p = await makeProject({
      'mappings/team.yaml': `mappings:\n  - crmUserId: ${userId(1)}\n    outreachUserId: 5\n    "<img src=x> @someone": 1\n  - crmUserId: 005ABC\n    outreachUserId: 6\n`,
    });
    cleanups.push(p.cleanup);
    const env = await actionsEnv(p.dir, github.url, { pr: PR });
    const result = await runCli(['plan', '--github-comment'], { cwd: p.dir, env });
    expect(result.code).toBe(1);
    const comment = github.commentsOn(PR)[0]!.body;
    expect(comment).toContain('### mapsync plan: no plan for this commit');
    expect(comment).toMatch(/- ❌ `mappings\/team\.yaml:4:\d+`: .+`schema`/);
    expect(comment).toMatch(/- ❌ `mappings\/team\.yaml:5:\d+`: .+`crm-id/);
    expectDataStaysData(comment, ['<img src=x> @someone']);
  });
});

describe('the renderer under a 400-removal guard', () => {
  it('leads with the refusal, then warnings, then the removals', async () => {
    const live = Array.from({ length: 40 }, (_, i) => ({ crmUserId: userId(200 + i), outreachUserId: 200 + i, crmUserName: `Gone ${i}`, outreachUserName: `Gone ${i}` }));
    const p = await makeProject({ 'mappings/team.yaml': yamlOf([{ n: 1, outreach: 1, name: 'Ada' }]), '.mapsync/live.json': JSON.stringify({ mappings: live }) });
    cleanups.push(p.cleanup);
    const env = await actionsEnv(p.dir, github.url, { pr: PR });
    expect((await runCli(['plan', '--github-comment'], { cwd: p.dir, env })).code).toBe(0);
    const comment = github.commentsOn(PR)[0]!.body;
    const refusal = comment.indexOf('**Apply will refuse this plan.**');
    expect(refusal).toBeGreaterThan(0);
    expect(comment).not.toMatch(/Merging applies these/);
    expect(refusal).toBeLessThan(comment.indexOf('#### 40 removals'));
    expect(comment.indexOf('#### 40 removals')).toBeLessThan(comment.indexOf('#### 1 addition'));
    expect(gfmProblems(comment, LINKS)).toEqual([]);
  });
});
