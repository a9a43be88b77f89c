// The apply engine, for any store through the MappingStore interface: refuse what must not be
// applied (errors, another store, unsafe removals, a stale plan), then lock, snapshot, apply and
// journal each outcome as it happens.
import { relative } from 'node:path';
import type { SafetyConfig } from '../config.js';
import { MapsyncError } from '../errors.js';
import type { ChangeResult, Plan } from '../model.js';
import { liveFingerprint } from '../plan/fingerprint.js';
import { checkRemovals, isUnsafe, removalGuard } from '../plan/removalGuard.js';
import type { MappingStore } from '../stores/store.js';
import { openJournal } from './journal.js';
import { createProgressReporter } from './progress.js';
import { provenance } from './provenance.js';
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
  /** Where progress goes (stderr) and whether it is a terminal. */
  progress: { stream: NodeJS.WritableStream; isTTY: boolean; line(text: string): void };
}

export interface ApplyOutcome {
  results: ChangeResult[];
  failed: ChangeResult[];
  /** Relative to the working directory; undefined when there was nothing to apply. */
  snapshot?: string;
  journal?: string;
}

const rel = (path: string) => relative(process.cwd(), path) || path;

/** Refusals that need no look at the live store. */
export function checkPlanIsApplicable(plan: Plan, store: MappingStore, safety: SafetyConfig, force: boolean): void {
  if (plan.errors && plan.errors.length > 0) {
    throw new MapsyncError(`the plan has ${plan.errors.length} error${plan.errors.length === 1 ? '' : 's'} and cannot be applied`, {
      hint: 'fix the errors it lists and run plan again',
    });
  }
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

export async function applyPlan(request: ApplyRequest): Promise<ApplyOutcome> {
  const { plan, store } = request;
  checkPlanIsApplicable(plan, store, request.safety, request.force);
  if (plan.changes.length === 0) return { results: [], failed: [] };

  const release = await store.lock();
  try {
    const live = await store.list();
    const fingerprint = liveFingerprint(live);
    if (fingerprint !== plan.liveFingerprint) {
      throw new MapsyncError('the live store changed since this plan was made; run plan again', {
        hint: `nothing was changed (plan: ${plan.liveFingerprint.slice(0, 19)}…, now: ${fingerprint.slice(0, 19)}…)`,
      });
    }
    const takenAt = new Date();
    const snapshot = rel(writeSnapshot(request.stateDir, live, { store: store.spec, liveFingerprint: fingerprint, takenAt }));
    const journal = openJournal(request.stateDir, {
      run: snapshotStamp(takenAt),
      store: store.spec,
      liveFingerprint: plan.liveFingerprint,
      desiredFingerprint: plan.desiredFingerprint,
      snapshot,
      ...(request.planFile ? { planFile: request.planFile } : {}),
      ...provenance(request.env),
    }, request.env);
    const progress = createProgressReporter({ total: plan.changes.length, ...request.progress });
    let journaled = 0;
    try {
      journal.start(plan.changes.length);
      let results: ChangeResult[];
      try {
        results = await store.apply(plan.changes, {
          onResult: (result) => {
            journal.result(result);
            journaled++;
          },
          onProgress: (p) => progress.update(p),
        });
      } catch (err) {
        const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
        journal.end({ ok: -1, failed: -1, error: message });
        throw new MapsyncError(`apply stopped after ${journaled} of ${plan.changes.length} changes: ${message}`, {
          hint: 'the journal records what was done; run plan again and apply the fresh plan to finish',
          cause: err,
        });
      }
      // A store that reported fewer outcomes than it returned still gets every one journaled.
      for (const result of results.slice(journaled)) journal.result(result);
      const failed = results.filter((r) => !r.ok);
      journal.end({ ok: results.length - failed.length, failed: failed.length });
      return { results, failed, snapshot, journal: rel(journal.path) };
    } finally {
      progress.finish();
      journal.close();
    }
  } finally {
    await release();
  }
}
