// The apply engine, for any store through the MappingStore interface: refuse what must not be
// applied (errors, another store, unsafe removals, a stale plan), then lock, snapshot, apply and
// journal each outcome as it happens.
import { relative } from 'node:path';
import type { SafetyConfig } from '../config.js';
import { MapsyncError } from '../errors.js';
import type { ChangeResult, LiveState, Plan } from '../model.js';
import { liveFingerprint } from '../plan/fingerprint.js';
import { checkRemovals, isUnsafe, removalGuard } from '../plan/removalGuard.js';
import type { MappingStore } from '../stores/store.js';
import { DEFAULT_INTERRUPT_GRACE_MS, driveStore } from './driveStore.js';
import { openJournal, type EndSummary } from './journal.js';
import { createProgressReporter } from './progress.js';
import { provenance } from './provenance.js';
import { ReadOnlyStoreRefusal } from './readOnlyRefusal.js';
import { snapshotStamp, writeSnapshot } from './snapshot.js';

export interface ApplyRequest {
  plan: Plan;
  store: MappingStore;
  stateDir: string;
  safety: SafetyConfig;
  force: boolean;
  env: NodeJS.ProcessEnv;
  /** The saved plan applied, as the user named it (recorded in the journal). */
  planFile?: string;
  /** Checks run under the lock, after the live fingerprint matched and before anything is written. */
  verify?: (live: LiveState) => Promise<void>;
  /** Where progress goes (stderr) and whether it is a terminal. */
  progress: { stream: NodeJS.WritableStream; isTTY: boolean; line(text: string): void };
  /**
   * Aborted on SIGINT/SIGTERM (its reason names the signal): no new writes are sent, the writes
   * in flight get `interruptGraceMs` to answer, and the outcome says `interrupted`.
   */
  signal?: AbortSignal;
  interruptGraceMs?: number;
  /** Restore: adds may map a user who is already mapped (ApplyHooks.mapUsersTwice). */
  mapUsersTwice?: boolean;
}

export interface ApplyOutcome {
  results: ChangeResult[];
  failed: ChangeResult[];
  /** Relative to the working directory; undefined when there was nothing to apply. */
  snapshot?: string;
  journal?: string;
  /** Set when an interrupt stopped the run: which signal, and how many changes were never sent. */
  interrupted?: { signal: string; notSent: number };
}

const rel = (path: string) => relative(process.cwd(), path) || path;

/**
 * Refusals that need no look at the live store. Every apply and restore passes here before it
 * locks or writes anything, so this is where a read-only store (the plugin's own list) is refused:
 * its plan is the clicks an admin makes, and no command needs to know which store it has.
 */
export function checkPlanIsApplicable(plan: Plan, store: MappingStore, safety: SafetyConfig, force: boolean): void {
  if (plan.errors && plan.errors.length > 0) {
    throw new MapsyncError(`the plan has ${plan.errors.length} error${plan.errors.length === 1 ? '' : 's'} and cannot be applied`, {
      hint: 'fix the errors it lists and run plan again',
    });
  }
  if (store.readOnly && plan.changes.length > 0) throw new ReadOnlyStoreRefusal(plan);
  if (plan.store !== store.spec) {
    throw new MapsyncError(`the plan was made for store "${plan.store}", not "${store.spec}"`, {
      hint: `apply it with --store ${plan.store}, or make a new plan for ${store.spec}`,
    });
  }
  if (!force && (isUnsafe(plan) || isUnsafe(plan, safety))) {
    const check = checkRemovals(plan.summary, safety);
    const warning = removalGuard(plan.summary, safety) ?? plan.warnings.find((w) => w.code === 'unsafe-removals');
    throw new MapsyncError(`refusing an unsafe plan: ${warning?.message ?? `${check.removes} of ${check.existing} mappings would be removed`}`, {
      hint: 'check the removals; if they are intended, run apply again with --force',
    });
  }
}

const signalName = (signal: AbortSignal | undefined) => (typeof signal?.reason === 'string' ? signal.reason : 'an interrupt');

/** Resolves with `work`, or with undefined as soon as `signal` aborts (the work is left to run out). */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return work;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export async function applyPlan(request: ApplyRequest): Promise<ApplyOutcome> {
  const { plan, store, signal } = request;
  checkPlanIsApplicable(plan, store, request.safety, request.force);
  if (plan.changes.length === 0) return { results: [], failed: [] };
  const total = plan.changes.length;
  const stoppedBeforeWriting = (): ApplyOutcome => ({ results: [], failed: [], interrupted: { signal: signalName(signal), notSent: total } });

  if (signal?.aborted) return stoppedBeforeWriting();
  const release = await store.lock();
  try {
    // Nothing is written until the live store has been read: an interrupt here just stops.
    const live = await unlessAborted(store.list(), signal);
    if (live === undefined) return stoppedBeforeWriting();
    const fingerprint = liveFingerprint(live);
    if (fingerprint !== plan.liveFingerprint) {
      throw new MapsyncError('the live store changed since this plan was made; run plan again', {
        hint: `nothing was changed (plan: ${plan.liveFingerprint.slice(0, 19)}…, now: ${fingerprint.slice(0, 19)}…)`,
      });
    }
    await request.verify?.(live);
    const takenAt = new Date();
    const snapshot = rel(writeSnapshot(request.stateDir, live, { store: store.spec, liveFingerprint: fingerprint, takenAt }));
    if (signal?.aborted) return stoppedBeforeWriting();
    const journal = openJournal(request.stateDir, {
      run: snapshotStamp(takenAt),
      store: store.spec,
      liveFingerprint: plan.liveFingerprint,
      desiredFingerprint: plan.desiredFingerprint,
      snapshot,
      ...(request.planFile ? { planFile: request.planFile } : {}),
      ...provenance(request.env),
    }, request.env);
    const progress = createProgressReporter({ total, ...request.progress });
    try {
      journal.start(total);
      const driven = await driveStore({
        store,
        changes: plan.changes,
        journal,
        onProgress: (p) => progress.update(p),
        signal,
        graceMs: request.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS,
        mapUsersTwice: request.mapUsersTwice,
      });
      const { results } = driven;
      const failed = results.filter((r) => !r.ok);
      const unknown = failed.filter((r) => /outcome unknown/i.test(r.error ?? '')).length;
      const notSent = total - results.length;
      const summary: EndSummary = {
        made: results.length - failed.length,
        failed: failed.length,
        ...(unknown > 0 ? { outcomeUnknown: unknown } : {}),
        ...(driven.interrupted ? { interrupted: true as const, signal: signalName(signal) } : {}),
        ...(notSent > 0 ? { notSent } : {}),
      };
      if (driven.error !== undefined) {
        const err = driven.error;
        const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
        journal.end({ ...summary, error: message });
        // An interrupt is what the admin asked for; the error is in the journal and the log.
        if (!driven.interrupted) {
          throw new MapsyncError(`apply stopped after ${results.length} of ${total} changes: ${message}`, {
            hint: 'the journal records what was done; run plan again and apply the fresh plan to finish',
            cause: err,
          });
        }
      } else {
        journal.end(summary);
      }
      return {
        results,
        failed,
        snapshot,
        journal: rel(journal.path),
        ...(driven.interrupted ? { interrupted: { signal: signalName(signal), notSent } } : {}),
      };
    } finally {
      progress.finish();
      journal.close();
    }
  } finally {
    await release();
  }
}
