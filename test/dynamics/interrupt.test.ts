// An interrupted apply on the dynamics store (ApplyHooks.signal): the $batch in flight is let
// finish and reported, nothing leaves after the interrupt, changes never sent get no result,
// and a Retry-After wait ends at once without sending. Run on the compiled store.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../dist/config.js';
import { createDynamicsStore } from '../../dist/stores/dynamicsStore.js';
import { startFakeDataverse, systemUserId, type FakeDataverse } from '../fakes/dataverseServer.js';
import type { Change, ChangeResult } from '../../src/model.js';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
let dv: FakeDataverse;
let dir: string;
beforeEach(async () => {
  dv = await startFakeDataverse();
  dir = await mkdtemp(join(tmpdir(), 'mapsync-dv-interrupt-'));
});
afterEach(async () => {
  await dv.close();
  await rm(dir, { recursive: true, force: true });
});

async function store() {
  return createDynamicsStore(undefined, { config: { ...DEFAULT_CONFIG, crm: 'dynamics', stateDir: dir }, env: { ...dv.env(), MAPSYNC_DYNAMICS_RETRY_MS: '5' }, log: quiet });
}

it('lets the batches already in flight finish and reports every one of their changes', async () => {
  // 1,200 clears and 300 sets: the first batch holds 1,000 clears, the second 200 clears + 300 sets.
  for (let n = 1; n <= 1500; n++) dv.addUser({ systemuserid: systemUserId(n), fullname: `User ${n}`, isdisabled: false, new_outreachuserid: n <= 1200 ? n : null });
  const changes: Change[] = [
    ...Array.from({ length: 1200 }, (_, i) => ({ action: 'remove' as const, crmUserId: systemUserId(i + 1), outreachUserId: i + 1 })),
    ...Array.from({ length: 300 }, (_, i) => ({ action: 'add' as const, crmUserId: systemUserId(1201 + i), outreachUserId: 1201 + i })),
  ];
  const controller = new AbortController();
  const sent: Change[] = [];
  const reported: ChangeResult[] = [];
  // Both batches with clears leave together; the interrupt comes while they are held at the org.
  dv.faultHook = (method) => {
    if (method === 'POST') setTimeout(() => controller.abort(), 50);
    return method === 'POST' ? { kind: 'delay-before', ms: 300 } : undefined;
  };
  const s = await store();
  const results = await s.apply(changes, { onResult: (r) => void reported.push(r), signal: controller.signal, onSend: (c: readonly Change[]) => void sent.push(...c) } as never);
  const batches = dv.dataRequests({ method: 'POST' });
  expect(batches.map((b) => b.operations).sort()).toEqual([1000, 500]);
  expect(results).toHaveLength(1500);
  expect(results.every((r) => r.ok)).toBe(true);
  expect(sent).toHaveLength(1500);
  expect(reported).toHaveLength(1500);
});

it('stops before a sets-only batch once interrupted: those changes are neither sent nor reported', async () => {
  for (let n = 1; n <= 2500; n++) dv.addUser({ systemuserid: systemUserId(n), fullname: `User ${n}`, isdisabled: false, new_outreachuserid: n <= 10 ? n : null });
  const changes: Change[] = [
    ...Array.from({ length: 10 }, (_, i) => ({ action: 'remove' as const, crmUserId: systemUserId(i + 1), outreachUserId: i + 1 })),
    ...Array.from({ length: 2490 }, (_, i) => ({ action: 'add' as const, crmUserId: systemUserId(11 + i), outreachUserId: 11 + i })),
  ];
  const controller = new AbortController();
  const sent: Change[] = [];
  dv.faultHook = (method) => {
    if (method !== 'POST') return undefined;
    setTimeout(() => controller.abort(), 50);
    return { kind: 'delay-before', ms: 300 };
  };
  const results = await (await store()).apply(changes, { onResult: () => undefined, signal: controller.signal, onSend: (c: readonly Change[]) => void sent.push(...c) } as never);
  // The first batch (10 clears + 990 sets) was in flight and finished; the two sets-only batches never left.
  expect(dv.dataRequests({ method: 'POST' }).map((b) => b.operations)).toEqual([1000]);
  expect(results).toHaveLength(1000);
  expect(results.every((r) => r.ok)).toBe(true);
  expect(sent).toHaveLength(1000);
});

it('ends a Retry-After wait at once when interrupted and reports the throttled batch as not made', async () => {
  for (let n = 1; n <= 5; n++) dv.addUser({ systemuserid: systemUserId(n), fullname: `User ${n}`, isdisabled: false, new_outreachuserid: null });
  const changes: Change[] = Array.from({ length: 5 }, (_, i) => ({ action: 'add' as const, crmUserId: systemUserId(i + 1), outreachUserId: i + 1 }));
  const controller = new AbortController();
  dv.faultHook = (method) => {
    if (method !== 'POST') return undefined;
    setTimeout(() => controller.abort(), 100);
    return { kind: 'throttle', retryAfterSeconds: 30 };
  };
  const started = Date.now();
  const results = await (await store()).apply(changes, { onResult: () => undefined, signal: controller.signal } as never);
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(dv.dataRequests({ method: 'POST' })).toHaveLength(1);
  expect(results).toHaveLength(5);
  expect(results.every((r) => !r.ok && /^not made: the interrupt stopped/.test(r.error ?? ''))).toBe(true);
  expect(dv.columnChanges).toEqual([]);
});
