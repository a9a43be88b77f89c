// The cross-machine lease is a port (src/ports.ts): a store takes whatever LeasePort the command
// layer hands it, and needs no GitHub to be tested. Here the port is an in-memory lease shared by
// two "machines" (two store contexts), around the real file store and its checkout lock.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../dist/config.js';
import { createFileStore } from '../../dist/stores/fileStore.js';
import { withSharedLock } from '../../dist/stores/sharedLock.js';
import type { Config } from '../../src/config.js';
import type { LeasePort } from '../../src/ports.js';
import type { MappingStore, StoreContext } from '../../src/stores/store.js';

/** One lease every machine sees, held by at most one of them; `events` records what happened. */
function memoryLease(events: string[]): (machine: string) => LeasePort {
  let holder: string | undefined;
  return (machine) => ({
    async acquire(storeSpec) {
      if (holder !== undefined) throw new Error(`${storeSpec} is locked by another apply: ${holder}`);
      holder = machine;
      events.push(`${machine} took the lease on ${storeSpec}`);
      return async () => {
        holder = undefined;
        events.push(`${machine} released the lease`);
      };
    },
  });
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function machine(name: string, lease: LeasePort | undefined, warnings: string[]): Promise<MappingStore> {
  // Each machine has its own checkout (its own lock file); only the lease is shared.
  const dir = await mkdtemp(join(tmpdir(), `mapsync-lease-${name}-`));
  dirs.push(dir);
  const config = { ...structuredClone(DEFAULT_CONFIG as Config), stateDir: join(dir, '.mapsync') };
  const log = { info: () => undefined, debug: () => undefined, warn: (line: string) => warnings.push(line) };
  const context = { config, env: {}, log, ports: lease ? { lease } : undefined } as unknown as StoreContext;
  const store = (await createFileStore(join(dir, 'live.json'), context)) as MappingStore;
  return withSharedLock(store, context) as MappingStore;
}

describe('the lease port', () => {
  it('keeps two machines apart through the port alone, and releases it with the checkout lock', async () => {
    const events: string[] = [];
    const lease = memoryLease(events);
    const warnings: string[] = [];
    const laptop = await machine('laptop', lease('laptop'), warnings);
    const runner = await machine('runner', lease('runner'), warnings);

    const release = await laptop.lock();
    // The runner's own checkout is free; the shared lease is not.
    await expect(runner.lock()).rejects.toThrow(/is locked by another apply: laptop/);
    await release();
    const releaseRunner = await runner.lock();
    await releaseRunner();
    expect(events).toEqual([
      `laptop took the lease on ${laptop.spec}`,
      'laptop released the lease',
      `runner took the lease on ${runner.spec}`,
      'runner released the lease',
    ]);
    expect(warnings).toEqual([]);
    // A refused lease let go of the checkout lock it had taken: the runner can lock again at once.
    const again = await runner.lock();
    await again();
  });

  it('without a port, says in one line that only this checkout is locked', async () => {
    const warnings: string[] = [];
    const alone = await machine('alone', undefined, warnings);
    const release = await alone.lock();
    await release();
    expect(warnings).toEqual([`no lock shared with other machines for ${alone.spec}: only applies from this checkout are kept apart`]);
  });
});
