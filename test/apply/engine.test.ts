// The apply engine against a store that is not the file store, through the MappingStore
// interface only: a store that fails part-way, one that reports waits, and the order of events.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/applyPlan.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import type { Change, ChangeResult, LiveMapping, Plan } from '../../src/model.js';
import { liveFingerprint } from '../../src/plan/fingerprint.js';
import type { ApplyHooks, MappingStore } from '../../src/stores/store.js';
import { crmId } from './seed.js';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await rm(dirs.pop()!, { recursive: true, force: true });
});

/** A store kept in memory that records the calls it gets, in order. */
function memoryStore(live: LiveMapping[], behaviour: { throwAfter?: number; waitAt?: number } = {}) {
  const calls: string[] = [];
  const store: MappingStore = {
    spec: 'memory',
    async list() {
      calls.push('list');
      return { mappings: [...live], warnings: [] };
    },
    async apply(changes: readonly Change[], hooks: ApplyHooks) {
      calls.push('apply');
      const results: ChangeResult[] = [];
      for (const [i, change] of changes.entries()) {
        if (i === behaviour.throwAfter) throw new Error('connection reset by peer');
        if (i === behaviour.waitAt) hooks.onProgress?.({ done: i, total: changes.length, waitingMs: 12_000, reason: 'rate limited by the test' });
        const result = { change, ok: true };
        results.push(result);
        await hooks.onResult(result);
      }
      return results;
    },
    async lock() {
      calls.push('lock');
      return async () => void calls.push('release');
    },
    directories: () => ({}),
    close: async () => void calls.push('close'),
  };
  return { store, calls };
}

function planFor(live: LiveMapping[], adds: number): Plan {
  const changes: Change[] = Array.from({ length: adds }, (_, k) => ({ action: 'add', crmUserId: crmId(100 + k), outreachUserId: 100 + k, file: 'mappings/a.yaml', line: 2 + 3 * k }));
  return {
    formatVersion: 1,
    store: 'memory',
    liveFingerprint: liveFingerprint({ mappings: live }),
    desiredFingerprint: 'sha256:test',
    summary: { add: adds, remove: 0, unchanged: live.length },
    changes,
    warnings: [],
  };
}

async function request(plan: Plan, store: MappingStore) {
  const stateDir = await mkdtemp(join(tmpdir(), 'mapsync-engine-'));
  dirs.push(stateDir);
  const lines: string[] = [];
  return {
    stateDir,
    lines,
    run: () =>
      applyPlan({
        plan,
        store,
        stateDir,
        safety: DEFAULT_CONFIG.safety,
        force: false,
        env: {},
        progress: { stream: new PassThrough(), isTTY: false, line: (t) => lines.push(t) },
      }),
  };
}

describe('apply engine', () => {
  it('locks, reads, snapshots, applies and releases, in that order', async () => {
    const live = [{ crmUserId: crmId(1), outreachUserId: 1 }];
    const { store, calls } = memoryStore(live);
    const r = await request(planFor(live, 3), store);
    const outcome = await r.run();
    expect(calls).toEqual(['lock', 'list', 'apply', 'release']);
    expect(outcome.failed).toEqual([]);
    expect(await readdir(join(r.stateDir, 'snapshots'))).toHaveLength(1);
  });

  it('journals what was done when a store stops part-way, and says how far it got', async () => {
    const { store, calls } = memoryStore([], { throwAfter: 2 });
    const r = await request(planFor([], 5), store);
    await expect(r.run()).rejects.toThrow('apply stopped after 2 of 5 changes: connection reset by peer');
    expect(calls.at(-1)).toBe('release');
    const journal = (await readFile(join(r.stateDir, 'journal.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(journal.map((l) => l.event)).toEqual(['start', 'change', 'change', 'end']);
    expect(journal.at(-1)).toMatchObject({ error: 'connection reset by peer' });
  });

  it('passes a store\'s waits on to the progress lines', async () => {
    const { store } = memoryStore([], { waitAt: 1 });
    const r = await request(planFor([], 3), store);
    await r.run();
    expect(r.lines).toEqual(['1/3 applied; waiting 12s (rate limited by the test)']);
  });

  it('refuses a stale plan before calling apply, and releases the lock', async () => {
    const { store, calls } = memoryStore([{ crmUserId: crmId(1), outreachUserId: 1 }]);
    const r = await request(planFor([], 1), store);
    await expect(r.run()).rejects.toThrow('the live store changed since this plan was made; run plan again');
    expect(calls).toEqual(['lock', 'list', 'release']);
  });
});
