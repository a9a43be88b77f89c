// The lock a remote store (Salesforce, Outreach, Dynamics) takes for an apply, on two levels:
//  - this checkout's lock file (the store's own lock()), which keeps two applies on one machine
//    apart and takes over a dead process's lock at once;
//  - the lease every machine sees (CI and an admin's laptop, two runners), through the LeasePort
//    the command layer passes in (ports.ts; GitHub's is a ref in the repository).
// Without a lease port there is no lock other machines can see; apply says so in one line.
import { MapsyncError } from '../errors.js';
import type { ReleaseLease } from '../ports.js';
import { redact } from '../secrets.js';
import type { MappingStore, StoreContext } from './store.js';

async function lockAcrossMachines(spec: string, context: StoreContext): Promise<ReleaseLease | undefined> {
  const { env, log } = context;
  const lease = context.ports?.lease;
  if (!lease) {
    log.warn(`no lock shared with other machines for ${spec}: only applies from this checkout are kept apart`);
    return undefined;
  }
  return lease.acquire(spec, (message) => {
    // From a timer, outside any command's error handling: stop before writing beside another apply.
    process.stderr.write(redact(`error: ${message}`, env) + '\n');
    process.exit(1);
  });
}

/** `store` with a lock() that also takes the lock shared across machines. */
export function withSharedLock(store: MappingStore, context: StoreContext): MappingStore {
  return {
    spec: store.spec,
    readOnly: store.readOnly,
    list: () => store.list(),
    apply: (changes, hooks) => store.apply(changes, hooks),
    directories: () => store.directories(),
    close: () => store.close(),
    async lock() {
      const releaseLocal = await store.lock();
      let releaseShared: ReleaseLease | undefined;
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
