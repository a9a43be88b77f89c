// A lock that every machine can see: a git ref in the repository that holds the mappings,
// `refs/mapsync/locks/<store>`, created through the GitHub API. Creating a ref is atomic — GitHub
// answers 422 when it exists — so exactly one apply gets it. The ref points at a commit whose
// message is the lease (who holds it, until when); the holder renews it while it works, and a
// lease whose holder stopped renewing (killed, crashed, lost its runner) is taken over once it
// has expired. A takeover or renewal is a fast-forward update (the new lease commit's parent is
// the one it replaces), which GitHub refuses when someone else moved the ref first: two applies
// that both find the same expired lease cannot both take it.
import { hostname, userInfo } from 'node:os';
import { RequestError } from '@octokit/request-error';
import { MapsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import { createGitHubClient, describeGitHubError, type GitHubClient } from './client.js';
import type { GitHubContext } from './context.js';

/** How long a lease holds without renewal; the holder renews it every third of that. */
export const DEFAULT_LEASE_MS = 5 * 60_000;

export interface Lease {
  holder: string;
  /** Where the holder runs: a holder on this machine whose process is gone is taken over at once. */
  host: string;
  pid: number;
  acquiredAt: string;
  expiresAt: string;
}

const LEASE_MARK = 'mapsync lease\n\n';

export function leaseRefName(storeSpec: string): string {
  return `mapsync/locks/${storeSpec.replace(/[^A-Za-z0-9._-]+/g, '-')}`;
}

/** Who we are, as another admin reading the lock would want to know it. */
export function describeHolder(env: NodeJS.ProcessEnv, runUrl: string | undefined): string {
  let user = env.GITHUB_ACTOR;
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return `${user} on ${hostname()} (pid ${process.pid}${runUrl ? `, ${runUrl}` : ''})`;
}

function parseLease(message: string): Lease | undefined {
  if (!message.startsWith(LEASE_MARK)) return undefined;
  try {
    const lease = JSON.parse(message.slice(LEASE_MARK.length)) as Lease;
    return typeof lease.holder === 'string' && !Number.isNaN(Date.parse(lease.expiresAt)) ? lease : undefined;
  } catch {
    return undefined;
  }
}

const isStatus = (err: unknown, status: number) => err instanceof RequestError && err.status === status;

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A lease nobody holds any more: expired, or held by a process of this machine that no longer exists. */
function isAbandoned(lease: Lease | undefined, now: number): boolean {
  if (!lease) return true;
  if (Date.parse(lease.expiresAt) <= now) return true;
  return lease.host === hostname() && lease.pid !== process.pid && processIsGone(lease.pid);
}

export interface HeldLease {
  /** Stops renewing and deletes the ref (only if it is still ours). */
  release(): Promise<void>;
}

export interface LeaseOptions {
  github: GitHubContext;
  storeSpec: string;
  holder: string;
  log: Logger;
  leaseMs?: number;
  /** Told when a renewal finds the lease taken over (we were thought dead): stop writing. */
  onLost(message: string): void;
  now?: () => number;
}

export async function acquireLease(options: LeaseOptions): Promise<HeldLease> {
  const { github, log } = options;
  const octokit = createGitHubClient(github, log);
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const now = options.now ?? Date.now;
  const ref = leaseRefName(options.storeSpec);
  const repo = { owner: github.owner, repo: github.repo };
  const acquiredAt = new Date(now()).toISOString();
  /** Runs one request; the statuses in `expected` are the caller's to handle, anything else is one clear error. */
  const call = async <T>(doing: string, work: () => Promise<T>, expected: number[] = []): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (expected.some((status) => isStatus(err, status))) throw err;
      const failure = describeGitHubError(err, doing);
      throw new MapsyncError(`cannot take the lock on ${options.storeSpec} shared across machines: ${failure.message}`, {
        hint: 'the job needs permissions: contents: write for the lock ref; or unset GITHUB_TOKEN to apply with this checkout\'s lock only',
        cause: err,
      });
    }
  };

  /** A commit holding the lease (a tree with lease.json, the lease in the message), child of `parent`. */
  const leaseCommit = async (parent: string | undefined): Promise<string> => {
    const lease: Lease = { holder: options.holder, host: hostname(), pid: process.pid, acquiredAt, expiresAt: new Date(now() + leaseMs).toISOString() };
    const text = JSON.stringify(lease);
    const tree = await call(`writing the lease of ${ref}`, () => octokit.rest.git.createTree({ ...repo, tree: [{ path: 'lease.json', mode: '100644', type: 'blob', content: text + '\n' }] }));
    const commit = await call(`writing the lease of ${ref}`, () => octokit.rest.git.createCommit({ ...repo, message: LEASE_MARK + text, tree: tree.data.sha, parents: parent ? [parent] : [] }));
    return commit.data.sha;
  };
  const current = async (): Promise<{ sha: string; lease: Lease | undefined } | undefined> => {
    try {
      const found = await call(`reading ${ref}`, () => octokit.rest.git.getRef({ ...repo, ref }), [404]);
      const sha = found.data.object.sha;
      const commit = await call(`reading ${ref}`, () => octokit.rest.git.getCommit({ ...repo, commit_sha: sha }));
      return { sha, lease: parseLease(commit.data.message) };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  };
  const refused = (lease: Lease | undefined) =>
    new MapsyncError(
      `${options.storeSpec} is locked by another apply${lease ? `: ${lease.holder}, since ${lease.acquiredAt}, lease until ${lease.expiresAt}` : ''} (ref ${ref} in ${github.owner}/${github.repo})`,
      { hint: 'wait for it to finish; a holder that died is taken over once its lease expires' },
    );
  /** Moves the ref from `from` to a new lease commit; false when someone else moved it first. */
  const advance = async (from: string): Promise<string | undefined> => {
    const next = await leaseCommit(from);
    try {
      await call(`renewing ${ref}`, () => octokit.rest.git.updateRef({ ...repo, ref, sha: next, force: false }), [422]);
      return next;
    } catch (err) {
      if (isStatus(err, 422)) return undefined;
      throw err;
    }
  };

  let mine: string | undefined;
  for (let attempt = 0; attempt < 3 && mine === undefined; attempt++) {
    const first = await leaseCommit(undefined);
    try {
      await call(`creating ${ref}`, () => octokit.rest.git.createRef({ ...repo, ref: `refs/${ref}`, sha: first }), [422]);
      mine = first;
      break;
    } catch (err) {
      if (!isStatus(err, 422)) throw err;
    }
    const held = await current();
    if (held === undefined) continue; // released in between: try to create it again
    if (!isAbandoned(held.lease, now())) throw refused(held.lease);
    log.warn(`taking over the lock on ${options.storeSpec}: ${held.lease ? `the lease of ${held.lease.holder} ${Date.parse(held.lease.expiresAt) <= now() ? `expired at ${held.lease.expiresAt}` : 'is held by a process that no longer exists'}` : `${ref} holds no lease`}`);
    mine = await advance(held.sha);
    if (mine === undefined) throw refused((await current())?.lease);
  }
  if (mine === undefined) throw refused(undefined);

  let stopped = false;
  const renewing = setInterval(() => {
    void (async () => {
      if (stopped || mine === undefined) return;
      const next = await advance(mine).catch((err: Error) => {
        log.warn(`could not renew the lock on ${options.storeSpec}: ${err.message.split('\n')[0]}`);
        return mine; // a network blip: keep the old lease and try again next time
      });
      if (stopped) return;
      if (next === undefined) {
        stopped = true;
        clearInterval(renewing);
        options.onLost(`lost the lock on ${options.storeSpec}: another apply took over ${ref} (this run's lease had expired)`);
        return;
      }
      mine = next;
    })();
  }, Math.max(1000, Math.floor(leaseMs / 3)));
  renewing.unref();

  return {
    async release() {
      stopped = true;
      clearInterval(renewing);
      const held = await current().catch(() => undefined);
      if (held?.sha !== mine) return; // taken over, or gone: not ours to delete
      await call(`releasing ${ref}`, () => octokit.rest.git.deleteRef({ ...repo, ref })).catch((err: Error) => {
        log.warn(`could not release the lock ref ${ref}: ${err.message.split('\n')[0]}; it expires by itself`);
      });
    },
  };
}
