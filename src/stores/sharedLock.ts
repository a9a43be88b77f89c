// The lock a remote store (Salesforce, Outreach, Dynamics) takes for an apply, on two levels:
//  - this checkout's lock file (the store's own lock()), which keeps two applies on one machine
//    apart and takes over a dead process's lock at once;
//  - when the repository is known (GITHUB_TOKEN + GITHUB_REPOSITORY), a lease in that repository
//    (github/leaseRef.ts) that every machine sees: CI and an admin's laptop, two runners.
// Without a GitHub context there is no lock other machines can see; apply says so in one line.
import { MapsyncError } from '../errors.js';
import { readGitHubContext } from '../github/context.js';
import { acquireLease, describeHolder } from '../github/leaseRef.js';
import { redact } from '../secrets.js';
import type { MappingStore, StoreContext } from './store.js';

/** MAPSYNC_LOCK_LEASE_MS: how long the shared lease holds without renewal (tests shorten it). */
function leaseMsFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const value = Number(env.MAPSYNC_LOCK_LEASE_MS);
  return env.MAPSYNC_LOCK_LEASE_MS && Number.isInteger(value) && value > 0 ? value : undefined;
}

const known = (value: string | undefined) => value !== undefined && value.trim() !== '';

async function lockAcrossMachines(spec: string, context: StoreContext): Promise<(() => Promise<void>) | undefined> {
  const { env, log } = context;
  if (!known(env.GITHUB_TOKEN) || !known(env.GITHUB_REPOSITORY)) {
    log.warn(`no lock shared with other machines for ${spec} (needs GITHUB_TOKEN and GITHUB_REPOSITORY): only applies from this checkout are kept apart`);
    return undefined;
  }
  const github = readGitHubContext(env);
  const lease = await acquireLease({
    github,
    storeSpec: spec,
    holder: describeHolder(env, github.runUrl),
    log,
    leaseMs: leaseMsFromEnv(env),
    onLost: (message) => {
      // From a timer, outside any command's error handling: stop before writing beside another apply.
      process.stderr.write(redact(`error: ${message}`, env) + '\n');
      process.exit(1);
    },
  });
  return () => lease.release();
}

/** `store` with a lock() that also takes the lock shared across machines. */
export function withSharedLock(store: MappingStore, context: StoreContext): MappingStore {
  return {
    spec: store.spec,
    list: () => store.list(),
    apply: (changes, hooks) => store.apply(changes, hooks),
    directories: () => store.directories(),
    close: () => store.close(),
    async lock() {
      const releaseLocal = await store.lock();
      let releaseShared: (() => Promise<void>) | undefined;
      try {
        releaseShared = await lockAcrossMachines(store.spec, context);
      } catch (err) {
        await releaseLocal();
        throw err instanceof MapsyncError ? err : new MapsyncError(`cannot take the lock on ${store.spec}: ${(err as Error).message}`, { cause: err });
      }
      return async () => {
        try {
          await releaseShared?.();
        } finally {
          await releaseLocal();
        }
      };
    },
  };
}
