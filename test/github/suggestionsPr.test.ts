// `drift --github-pr` end to end: the real CLI and octokit against the fake GitHub (git database,
// pulls, labels, comments): open -> unchanged -> update (on a moved default branch) -> close.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import type { FakeGitHub } from '../fakes/githubServer.js';
import { actionsEnv, fakeGitHubPerTest, TOKEN } from './helpers.js';
import { id } from '../suggest/org.js';

let github: FakeGitHub;
const cleanups = fakeGitHubPerTest((server) => (github = server));

const BRANCH = 'mapsync/suggestions';
const team = `# yaml-language-server: $schema=../schema/user-mappings.schema.json
mappings:
  - crmUserId: ${id(1)}
    outreachUserId: 1
    name: Ada Lovelace
  - crmUserId: ${id(2)}
    outreachUserId: 2
    name: Bob Ng
`;

interface Crm { n: number; name: string; email?: string; active?: boolean }
interface Seat { id: number; name: string; email?: string; locked?: boolean }
const baseCrm: Crm[] = [
  { n: 1, name: 'Ada Lovelace', email: 'ada@example.com' },
  { n: 2, name: 'Bob Ng', email: 'bob@example.com' },
  { n: 4, name: 'Carla Diaz', email: 'carla@example.com' },
  { n: 5, name: 'Dana Ek', email: 'dana@example.com' },
];
const baseSeats: Seat[] = [
  { id: 1, name: 'Ada Lovelace', email: 'ada@example.com' },
  { id: 2, name: 'Carla Diaz', email: 'carla@example.com' },
  { id: 5, name: 'Dana Ek', email: 'dana@example.com' },
  { id: 9, name: 'No Match', email: 'nobody@example.com' },
  { id: 10, name: 'Twin A', email: 'twin@example.com' },
  { id: 11, name: 'Twin B', email: 'twin@example.com' },
];
const twinCrm: Crm = { n: 10, name: 'Twin', email: 'twin@example.com' };

function live(crm: Crm[], seats: Seat[], mapped: [number, number][]): string {
  return JSON.stringify({
    mappings: mapped.map(([c, o]) => ({ crmUserId: id(c), outreachUserId: o })),
    crmUsers: crm.map((u) => ({ id: id(u.n), name: u.name, email: u.email, active: u.active ?? true })),
    outreachUsers: seats.map((s) => ({ id: s.id, name: s.name, email: s.email, locked: s.locked ?? false })),
  });
}

const writes = () => github.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace('/repos/acme/crm-mappings', '')}`);
const openPulls = () => github.issues.filter((i) => i.isPullRequest && i.state === 'open');

describe('drift --github-pr', () => {
  it('opens one suggestions PR with its commit on the default branch, leaves it alone, rebuilds it, and closes it', async () => {
    const p = await makeProject({ 'mappings/team.yaml': team, '.mapsync/live.json': live([...baseCrm, twinCrm], baseSeats, [[1, 1], [2, 2]]) });
    cleanups.push(p.cleanup);
    const dir = p.dir;
    const env = await actionsEnv(dir, github.url);
    const main1 = github.git.seedCommit({ 'README.md': '# crm mappings\n', 'mappings/team.yaml': team });

    // 1. open
    const first = await runCli(['drift', '--github-pr', '--github-issue'], { cwd: dir, env });
    expect(first.stderr).toMatch(/Suggestions found: opened pull request #1 /);
    expect(first.code).toBe(0); // the live store matches mappings/: no drift, but suggestions
    expect(openPulls()).toHaveLength(1);
    const pr = openPulls()[0]!;
    expect(pr.title).toBe('mapsync suggestions: 1 to replace, 1 to add');
    expect(pr.labels).toEqual(['mapsync-suggestions']);
    expect(github.labels.get('mapsync-suggestions')).toMatchObject({ color: '0e8a16' });
    expect(pr.body.startsWith('<!-- mapsync:suggestions -->\n')).toBe(true);
    expect(pr.body).not.toContain('[!CAUTION]');
    expect(pr.body).toContain(`1. **replace** \`seat-repurposed\` in \`mappings/team.yaml:6\`: Outreach user \`2\` \`Carla Diaz\`: CRM user \`${id(2)}\` \`Bob Ng\` → CRM user \`${id(4)}\` \`Carla Diaz\`.`);
    expect(pr.body).toContain(`2. **add** \`new-seat\` in \`mappings/suggested.yaml\`: map CRM user \`${id(5)}\` \`Dana Ek\` to Outreach user \`5\` \`Dana Ek\`.`);
    expect(pr.body).toContain('**Unresolved** (2)');
    expect(pr.body).toContain('- `email-shared`: `Outreach user 10 "Twin A" is not mapped, and 2 Outreach users share the email twin@example.com: 10, 11`');
    // The commit: one, on top of the default branch, holding exactly the --write edits.
    const head = github.git.headOf(BRANCH)!;
    expect(head.parents).toEqual([main1]);
    const files = github.git.filesAt(BRANCH)!;
    expect(Object.keys(files).sort()).toEqual(['README.md', 'mappings/suggested.yaml', 'mappings/team.yaml']);
    expect(files['mappings/team.yaml']).toContain(`  - crmUserId: ${id(4)}\n    outreachUserId: 2\n    name: Carla Diaz\n    note:`);
    expect(files['mappings/suggested.yaml']!.startsWith('# yaml-language-server: $schema=../schema/user-mappings.schema.json\n')).toBe(true);
    // Nothing written to the checkout.
    expect(await readFile(join(dir, 'mappings/team.yaml'), 'utf8')).toBe(team);
    // The plan comment on the PR: what merging it would apply.
    const planComment = github.commentsOn(pr.number).find((c) => c.body.startsWith('<!-- mapsync:plan -->'));
    expect(planComment?.body).toContain(id(4));
    expect(planComment?.body).toContain(id(5));
    expect(writes()).toEqual([
      'POST /git/blobs', 'POST /git/blobs', 'POST /git/trees', 'POST /git/commits', 'POST /git/refs',
      'POST /pulls', 'POST /labels', 'POST /issues/1/labels', 'POST /issues/1/comments',
    ]);
    // No drift: no drift issue.
    expect(github.issues.filter((i) => !i.isPullRequest)).toHaveLength(0);

    // 2. unchanged: nothing is written at all
    const second = await runCli(['drift', '--github-pr'], { cwd: dir, env });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('Suggestions unchanged: pull request #1 left as it is');
    expect(writes()).toHaveLength(9);
    expect(github.git.headOf(BRANCH)!.sha).toBe(head.sha);

    // 3. update: the default branch moved and another seat appeared; the branch is rebuilt on it
    const main2 = github.git.seedCommit({ 'README.md': '# crm mappings (v2)\n', 'mappings/team.yaml': team });
    await writeFile(join(dir, '.mapsync/live.json'), live([...baseCrm, twinCrm, { n: 6, name: 'Eli Fox', email: 'eli@example.com' }], [...baseSeats, { id: 6, name: 'Eli Fox', email: 'ELI@example.com ' }], [[1, 1], [2, 2]]));
    const third = await runCli(['drift', '--github-pr'], { cwd: dir, env });
    expect(third.stderr).toMatch(/Suggestions changed: pull request #1 rebuilt on main/);
    expect(openPulls()).toHaveLength(1);
    expect(pr.title).toBe('mapsync suggestions: 1 to replace, 2 to add');
    expect(pr.body).toContain(`map CRM user \`${id(6)}\` \`Eli Fox\``);
    expect(github.git.headOf(BRANCH)!.parents).toEqual([main2]);
    expect(github.git.filesAt(BRANCH)!['README.md']).toBe('# crm mappings (v2)\n');
    expect(writes().slice(9)).toEqual(['POST /git/blobs', 'POST /git/blobs', 'POST /git/trees', 'POST /git/commits', 'PATCH /git/refs/heads%2Fmapsync%2Fsuggestions', 'PATCH /pulls/1', 'PATCH /issues/comments/' + planComment!.id]);
    expect(github.requests.find((r) => r.method === 'PATCH' && r.path.includes('/git/refs/'))?.body).toMatchObject({ force: true });

    // 4. merged: main and the checkout hold the suggested files; nothing remains -> closed, branch deleted
    const merged = github.git.filesAt(BRANCH)!;
    github.git.seedCommit(merged);
    await writeFile(join(dir, 'mappings/team.yaml'), merged['mappings/team.yaml']!);
    await writeFile(join(dir, 'mappings/suggested.yaml'), merged['mappings/suggested.yaml']!);
    await writeFile(join(dir, '.mapsync/live.json'), live([...baseCrm, twinCrm, { n: 6, name: 'Eli Fox', email: 'eli@example.com' }], [...baseSeats, { id: 6, name: 'Eli Fox', email: 'ELI@example.com ' }], [[1, 1], [4, 2], [5, 5], [6, 6]]));
    const fourth = await runCli(['drift', '--github-pr'], { cwd: dir, env });
    expect(fourth.code).toBe(0);
    expect(fourth.stderr).toContain('No suggestions remain: closed pull request #1');
    expect(pr.state).toBe('closed');
    expect(github.git.refs.has(`refs/heads/${BRANCH}`)).toBe(false);
    const closing = github.commentsOn(1).at(-1)!;
    expect(closing.body).toMatch(/^No suggestions remain: every mapping agrees with the directories \(2 unresolved cases left for a person/);
    const n = writes().length;

    // 5. still nothing: no request writes anything
    await runCli(['drift', '--github-pr'], { cwd: dir, env });
    expect(writes()).toHaveLength(n);

    for (const r of [first, second, third, fourth]) expect(r.stdout + r.stderr).not.toContain(TOKEN);
    for (const r of github.requests) expect(r.rawBody).not.toContain(TOKEN);
  });

  it('says at the top when the suggested plan is unsafe, keeps data as data, and the drift issue links to the PR', async () => {
    // 12 live mappings; 4 seats are gone (locked + inactive): removing 4 of 12 is over the 25% guard.
    const crm: Crm[] = [];
    const seats: Seat[] = [];
    const lines = ['mappings:'];
    for (let n = 1; n <= 12; n++) {
      const gone = n <= 4;
      const name = n === 1 ? 'Mal `x` @octocat #12 <b>' : `User ${String(n).padStart(2, '0')}`;
      crm.push({ n, name, email: `u${n}@example.com`, active: !gone });
      seats.push({ id: n, name, email: `u${n}@example.com`, locked: gone });
      lines.push(`  - crmUserId: ${id(n)}`, `    outreachUserId: ${n}`);
    }
    const yaml = lines.join('\n') + '\n';
    const p = await makeProject({ 'mappings/all.yaml': yaml, '.mapsync/live.json': live(crm, seats, crm.map((c) => [c.n, c.n])) });
    cleanups.push(p.cleanup);
    await runCli(['fmt'], { cwd: p.dir });
    const formatted = await readFile(join(p.dir, 'mappings/all.yaml'), 'utf8');
    github.git.seedCommit({ 'mappings/all.yaml': formatted });
    // Drift too: the live store has a stray pair, so the drift issue opens and links the PR.
    const withStray = JSON.parse(live(crm, seats, crm.map((c) => [c.n, c.n]))) as { mappings: unknown[] };
    withStray.mappings.push({ crmUserId: id(99), outreachUserId: 99 });
    await writeFile(join(p.dir, '.mapsync/live.json'), JSON.stringify({ ...withStray, crmUsers: [...(withStray as unknown as { crmUsers: unknown[] }).crmUsers, { id: id(99), name: 'Stray', active: true }], outreachUsers: [...(withStray as unknown as { outreachUsers: unknown[] }).outreachUsers, { id: 99, name: 'Stray', locked: false }] }));
    const env = await actionsEnv(p.dir, github.url);
    const r = await runCli(['drift', '--github-pr', '--github-issue'], { cwd: p.dir, env });
    expect(r.code).toBe(2);
    const pr = openPulls()[0]!;
    const afterMarkers = pr.body.replace(/^(<!--[^\n]*-->\n)+\n/, '');
    expect(afterMarkers.startsWith('> [!CAUTION]\n> **The plan of this pull request is unsafe** (removal guard)')).toBe(true);
    expect(pr.title).toBe('mapsync suggestions: 4 to remove');
    // Data stays data: the hostile name is one code span whose fence its own backticks cannot close.
    expect(pr.body).toContain('``Mal `x` @octocat #12 <b>``');
    expect(pr.body.replace(/``Mal `x` @octocat #12 <b>``/g, '')).not.toMatch(/@octocat|#12|<b>/);
    const issue = github.issues.find((i) => !i.isPullRequest)!;
    expect(issue.body).toContain(`**Suggested fix:** [pull request #${pr.number}](https://github.com/acme/crm-mappings/pull/${pr.number})`);
  });

  it('refuses to rebuild the PR over a default branch whose mapping files moved since the checkout', async () => {
    const p = await makeProject({ 'mappings/team.yaml': team, '.mapsync/live.json': live(baseCrm, baseSeats.slice(0, 3), [[1, 1], [2, 2]]) });
    cleanups.push(p.cleanup);
    github.git.seedCommit({ 'mappings/team.yaml': team.replace('Bob Ng', 'Bob Ng (edited on main)') });
    const env = await actionsEnv(p.dir, github.url);
    const r = await runCli(['drift', '--github-pr'], { cwd: p.dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: mappings/team.yaml on main is not what this checkout holds (the branch moved since the run started); no pull request was changed');
    expect(openPulls()).toHaveLength(0);
    expect(github.git.refs.has(`refs/heads/${BRANCH}`)).toBe(false);
  });
});
