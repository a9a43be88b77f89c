// Salesforce has no lock a client can take, so the store locks a file in the state directory:
// two applies from one checkout never interleave. Exercised on the compiled store itself.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../dist/config.js';
import { createSalesforceStore } from '../../dist/stores/salesforceStore.js';
import { createLogger } from '../../dist/log.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mapsync-sf-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('holds a lockfile in the state directory that a second apply cannot take until it is released', async () => {
  const context = {
    config: { ...DEFAULT_CONFIG, stateDir: join(dir, '.mapsync') },
    env: { SF_INSTANCE_URL: 'https://example.invalid', SF_ACCESS_TOKEN: 'not-used-token' },
    log: createLogger({ debug: false, quiet: true }),
  };
  const first = await createSalesforceStore(undefined, context);
  const second = await createSalesforceStore(undefined, context);
  const release = await first.lock();
  expect((await stat(join(dir, '.mapsync', 'salesforce.lock'))).isDirectory()).toBe(true);
  await expect(second.lock()).rejects.toThrow(/another mapsync apply against Salesforce is running/);
  await release();
  const releaseAgain = await second.lock();
  await releaseAgain();
});
