// Runs one store's apply() and journals every outcome as it is reported, also when the run is
// interrupted: the store is told through the hooks' AbortSignal, the writes it marked as sent
// get a bounded time to answer, and those still unanswered then are journaled as "outcome
// unknown" — so the journal never stays silent about a write that may have reached the store.
import type { Change, ChangeResult } from '../model.js';
import type { ApplyHooks, ApplyProgress, MappingStore } from '../stores/store.js';
import type { Journal } from './journal.js';

/** How long an interrupted run waits for the writes already sent, unless told otherwise. */
export const DEFAULT_INTERRUPT_GRACE_MS = 30_000;

export interface DriveOptions {
  store: MappingStore;
  changes: readonly Change[];
  journal: Journal;
  onProgress(progress: ApplyProgress): void;
  signal?: AbortSignal;
  graceMs: number;
  /** Passed to the store (see ApplyHooks.mapUsersTwice). */
  mapUsersTwice?: boolean;
}

export interface DriveResult {
  /** One per change that was sent (or settled), in the order their outcomes became known. */
  results: ChangeResult[];
  /** The interrupt stopped the run before the store had finished. */
  interrupted: boolean;
  /** The store threw (it could not be reached at all, or stopped at a fatal error). */
  error?: unknown;
}

type Settled = { results: ChangeResult[] } | { error: unknown } | { timedOut: true };

/** Resolves `graceMs` after the signal is aborted; `cancel` stops the timer once it is not needed. */
function graceAfterAbort(signal: AbortSignal, graceMs: number): { expired: Promise<Settled>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const expired = new Promise<Settled>((resolve) => {
    const start = () => {
      timer = setTimeout(() => resolve({ timedOut: true }), graceMs);
    };
    if (signal.aborted) start();
    else {
      onAbort = start;
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  return {
    expired,
    cancel: () => {
      if (timer) clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    },
  };
}

export async function driveStore(options: DriveOptions): Promise<DriveResult> {
  const { journal, signal } = options;
  const results: ChangeResult[] = [];
  const settledChanges = new Set<Change>();
  const inFlight = new Set<Change>();
  // Once the engine has given up waiting, late reports change nothing: the journal is closed.
  let sealed = false;
  const record = (result: ChangeResult) => {
    if (sealed || settledChanges.has(result.change)) return;
    settledChanges.add(result.change);
    inFlight.delete(result.change);
    results.push(result);
    journal.result(result);
  };
  const hooks: ApplyHooks = {
    onResult: record,
    onProgress: options.onProgress,
    ...(signal ? { signal } : {}),
    ...(options.mapUsersTwice ? { mapUsersTwice: true } : {}),
    onSend: (changes) => {
      if (!sealed) for (const change of changes) if (!settledChanges.has(change)) inFlight.add(change);
    },
  };

  const applying: Promise<Settled> = options.store.apply(options.changes, hooks).then(
    (returned) => ({ results: returned }),
    (error: unknown) => ({ error }),
  );
  const grace = signal ? graceAfterAbort(signal, options.graceMs) : undefined;
  const settled = grace ? await Promise.race([applying, grace.expired]) : await applying;
  grace?.cancel();

  if ('timedOut' in settled) {
    const waited = options.graceMs >= 1000 ? `${Math.round(options.graceMs / 1000)}s` : `${options.graceMs} ms`;
    for (const change of [...inFlight]) {
      record({ change, ok: false, error: `outcome unknown: no answer within ${waited} of the interrupt; the write may have been applied` });
    }
    sealed = true;
    return { results, interrupted: true };
  }
  if ('error' in settled) {
    sealed = true;
    return { results, interrupted: Boolean(signal?.aborted), error: settled.error };
  }
  // A store that returned outcomes it did not report still gets every one journaled.
  for (const result of settled.results) if (result) record(result);
  sealed = true;
  return { results, interrupted: Boolean(signal?.aborted) };
}
