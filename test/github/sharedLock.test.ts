// The lock shared across machines (README, docs/operations.md "Store lock"): the real CLI
// against a fake Outreach and the fake GitHub's git refs. Two checkouts stand for two machines
// (their local lock files never meet); only the lease ref in the repository keeps them apart.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGitHubServer, type FakeGitHub } from '../fakes/githubServer.js';
import { startFakeOutreach, type FakeOutreach } from '../fakes/outreachServer.js';
import { describeRun, journalLines, mappingsYaml, runCliIn, spawnCli } from '../faults/cli.js';
import { makeProject } from '../helpers/cli.js';
import { crmId } from '../outreach/helpers.js';
import { TOKEN } from './helpers.js';

const REF = 'refs/mapsync/locks/outreach';
const OUTREACH_TOKEN = 'shared-lock-outreach-token';
const USERS = 30;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp(): Promise<{ github: FakeGitHub; outreach: FakeOutreach; machine(): Promise<{ dir: string; env: Record<string, string> }> }> {
  const github = await startGitHubServer({ token: TOKEN });
  const users = Array.from({ length: USERS }, (_, i) => ({ id: i + 1, firstName: `First${i + 1}`, lastName: 'Last', custom1: null }));
  const outreach = await startFakeOutreach({ users, tokens: [OUTREACH_TOKEN] });
  cleanups.push(() => github.close(), () => outreach.close());
  const desired = Array.from({ length: USERS }, (_, i) => ({ crmUserId: crmId(i + 1), outreachUserId: i + 1 }));
  return {
    github,
    outreach,
    machine: async () => {
      const project = await makeProject({ 'mappings/team.yaml': mappingsYaml(desired), 'mapsync.config.yaml': 'store: outreach\n' });
      cleanups.push(project.cleanup);
      mkdirSync(join(project.dir, '.mapsync'), { recursive: true });
      return {
        dir: project.dir,
        env: {
          OUTREACH_API_URL: outreach.apiUrl,
          OUTREACH_ACCESS_TOKEN: OUTREACH_TOKEN,
          GITHUB_TOKEN: TOKEN,
          GITHUB_REPOSITORY: 'acme/crm-mappings',
          GITHUB_API_URL: github.url,
        },
      };
    },
  };
}

/** A lease commit as another machine would have left it, pointed at by the lock ref. */
function seedLease(github: FakeGitHub, lease: { holder: string; host: string; pid: number; expiresAt: string }): void {
  const sha = github.git.seedCommit({ 'lease.json': JSON.stringify(lease) }, { branch: 'seed-lease' });
  const commit = github.git.commits.get(sha)!;
  github.git.commits.set(sha, { ...commit, message: `mapsync lease\n\n${JSON.stringify({ ...lease, acquiredAt: '2026-12-01T08:00:00.000Z' })}` });
  github.git.refs.set(REF, sha);
  github.git.refs.delete('refs/heads/seed-lease');
}

const writes = (outreach: FakeOutreach) => outreach.attributeChanges.filter((c) => c.attribute === 'custom1').length;
const apply = ['apply', '--auto-approve'];

describe('the lock shared across machines (a lease ref in the repository)', () => {
  it('is held while apply writes and deleted afterwards', async () => {
    const { github, outreach, machine } = await setUp();
    const laptop = await machine();
    const seenDuringWrites = new Set<boolean>();
    outreach.faultHook = (method) => {
      if (method === 'PATCH') seenDuringWrites.add(github.git.refs.has(REF));
      return undefined;
    };
    const run = await runCliIn(apply, laptop.dir, laptop.env);
    expect(run.code, describeRun(run)).toBe(0);
    expect([...seenDuringWrites]).toEqual([true]);
    expect(github.git.refs.has(REF)).toBe(false);
    expect(run.stderr).not.toMatch(/no lock shared/);
    // The lease said who held it.
    const created = github.requests.find((r) => r.method === 'POST' && r.path.endsWith('/git/commits'));
    expect(String((created?.body as { message?: string })?.message)).toMatch(/^mapsync lease\n\n\{"holder":/);
  });

  it('refuses a second machine while the first holds it: one line naming the holder, nothing written', async () => {
    const { github, outreach, machine } = await setUp();
    seedLease(github, { holder: 'ci on runner-7 (pid 4242, https://github.com/acme/crm-mappings/actions/runs/99)', host: 'runner-7', pid: 4242, expiresAt: new Date(Date.now() + 600_000).toISOString() });
    const laptop = await machine();
    const run = await runCliIn(apply, laptop.dir, laptop.env);
    expect(run.code, describeRun(run)).toBe(1);
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([expect.stringMatching(/^error: outreach is locked by another apply: ci on runner-7 \(pid 4242, https:\/\/github\.com\/acme\/crm-mappings\/actions\/runs\/99\), since 2026-12-01T08:00:00\.000Z, lease until .* \(ref mapsync\/locks\/outreach in acme\/crm-mappings\)$/)]);
    expect(writes(outreach)).toBe(0);
    expect(journalLines(join(laptop.dir, '.mapsync'))).toEqual([]);
    expect(github.git.refs.has(REF)).toBe(true); // not ours to delete
  });

  it('takes over a lease that expired (its holder died) and releases it when done', async () => {
    const { github, outreach, machine } = await setUp();
    seedLease(github, { holder: 'ci on runner-3 (pid 77)', host: 'runner-3', pid: 77, expiresAt: new Date(Date.now() - 1000).toISOString() });
    const laptop = await machine();
    const run = await runCliIn(apply, laptop.dir, laptop.env);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr).toMatch(/taking over the lock on outreach: the lease of ci on runner-3 \(pid 77\) expired at /);
    expect(writes(outreach)).toBe(USERS);
    expect(github.git.refs.has(REF)).toBe(false);
  });

  it('lets exactly one of two machines apply at once; the other is refused, and applies after', async () => {
    const { github, outreach, machine } = await setUp();
    const [ci, laptop] = [await machine(), await machine()];
    // CI's writes are answered slowly until the laptop has tried (planned, then locked): CI
    // holds the lease, with changes left, the whole time.
    let laptopTried = false;
    outreach.faultHook = (method) => (method === 'PATCH' && !laptopTried ? { kind: 'delay-after', ms: 2000 } : undefined);
    const running = spawnCli(apply, ci.dir, ci.env);
    while (!github.git.refs.has(REF)) await new Promise((r) => setTimeout(r, 20));
    const refused = await runCliIn(apply, laptop.dir, laptop.env);
    laptopTried = true;
    const done = await running.done;
    expect(done.code, describeRun(done)).toBe(0);
    expect(refused.code, describeRun(refused)).toBe(1);
    expect(refused.stderr).toMatch(/error: outreach is locked by another apply: /);
    expect(journalLines(join(laptop.dir, '.mapsync'))).toEqual([]);
    expect(github.git.refs.has(REF)).toBe(false);
    // Now the laptop may go: nothing is left to do.
    const again = await runCliIn(['plan', '--detailed-exitcode'], laptop.dir, laptop.env);
    expect(again.code, describeRun(again)).toBe(0);
  });

  it('stops an apply whose lease was taken over (it was thought dead) before it writes beside the new holder', async () => {
    const { github, outreach, machine } = await setUp();
    const laptop = await machine();
    // A short lease, renewed every second; every write answered slowly so the apply is still running.
    const env = { ...laptop.env, MAPSYNC_LOCK_LEASE_MS: '3000' };
    outreach.faultHook = (method) => (method === 'PATCH' ? { kind: 'delay-after', ms: 800 } : undefined);
    const running = spawnCli(apply, laptop.dir, env);
    while (!github.git.refs.has(REF)) await new Promise((r) => setTimeout(r, 20));
    // Another machine takes the ref over (as it would after the lease expired).
    const other = github.git.seedCommit({ 'lease.json': '{}' }, { branch: 'other-holder' });
    github.git.refs.set(REF, other);
    const run = await running.done;
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).toMatch(/error: lost the lock on outreach: another apply took over mapsync\/locks\/outreach/);
    expect(writes(outreach)).toBeLessThan(USERS);
    expect(github.git.refs.get(REF)).toBe(other); // the new holder's ref is left alone
  });

  it('is released by an interrupted apply (SIGINT)', async () => {
    const { github, outreach, machine } = await setUp();
    const laptop = await machine();
    let n = 0;
    const running = spawnCli(apply, laptop.dir, laptop.env);
    outreach.faultHook = (method) => {
      if (method === 'PATCH' && ++n === 3) running.child.kill('SIGINT');
      return undefined;
    };
    const run = await running.done;
    expect(run.code, describeRun(run)).toBe(130);
    expect(github.git.refs.has(REF)).toBe(false);
    expect(writes(outreach)).toBeLessThan(USERS);
  });

  it('without a GitHub repository, apply says in one line that only this checkout is locked', async () => {
    const { machine } = await setUp();
    const laptop = await machine();
    const env = { ...laptop.env, GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: undefined } as unknown as Record<string, string>;
    const run = await runCliIn(apply, laptop.dir, env);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr.split('\n').filter((l) => /lock shared/.test(l))).toEqual([
      'warning: no lock shared with other machines for outreach (needs GITHUB_TOKEN and GITHUB_REPOSITORY): only applies from this checkout are kept apart',
    ]);
  });
});
