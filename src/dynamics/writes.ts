// Writing the mapping column: one PATCH systemusers(<id>) per user, grouped in $batch requests of
// at most 1,000 independent operations (outside change sets, continue-on-error), so one failed
// row fails alone and every other row's answer is still known.
import type { Change } from '../model.js';
import { describeFailure, isTransient, type DataverseFailure } from './apiError.js';
import { DataverseStoppedError, MAX_THROTTLES, type DataverseClient } from './client.js';
import { sendBatch, type ColumnWrite } from './batch.js';

export type { ColumnWrite };

/** Dataverse's ceiling for one $batch. */
export const BATCH_OPERATIONS = 1000;

/**
 * Turns changes into column writes. A re-point of one systemuser (remove + add) is one PATCH of
 * the new value. Pure clears come first, like the changes themselves.
 */
export function columnWrites(changes: readonly Change[]): ColumnWrite[] {
  const byUser = new Map<string, ColumnWrite>();
  const order: ColumnWrite[] = [];
  changes.forEach((change, index) => {
    const existing = byUser.get(change.crmUserId);
    if (existing) {
      existing.changeIndexes.push(index);
      if (change.action === 'add') existing.value = change.outreachUserId;
      return;
    }
    const write: ColumnWrite = { systemuserid: change.crmUserId, value: change.action === 'add' ? change.outreachUserId : null, changeIndexes: [index] };
    byUser.set(change.crmUserId, write);
    order.push(write);
  });
  return [...order.filter((w) => w.value === null), ...order.filter((w) => w.value !== null)];
}

export interface WriteOutcome {
  write: ColumnWrite;
  ok: boolean;
  error?: string;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Sends the writes and reports each outcome as soon as it is known. The writes are cut, clears
 * first, into batches of 1,000; every batch holding a clear is answered before any batch of only
 * sets leaves, and inside a batch Dataverse carries the operations out in order, so an Outreach
 * id freed by a clear is free before it is set elsewhere — at ceil(writes / 1,000) batches.
 * A row that failed transiently (5xx inside the batch) is sent again in a later batch, up to
 * maxRowRetries times; a row throttled inside the batch (429) closes the org's gate until its
 * Retry-After, like a throttled batch, and is sent again after it, up to MAX_THROTTLES times.
 * Only rows without a reported outcome are ever re-sent. A batch that fails as a whole is
 * retried by the client (setting a column to a value means the same thing twice); when it fails
 * for good, its rows are reported (as unknown if an attempt got no answer) and the error is
 * thrown for the caller to settle the rest.
 */
export interface SendOptions {
  /** Passes for rows that failed transiently. */
  maxRowRetries?: number;
  /** Asked right before each batch leaves; false (the run was interrupted) stops sending. */
  mayWrite?: (chunk: readonly ColumnWrite[]) => boolean;
  /** The interrupt: no retry and no Retry-After wait after it. */
  signal?: AbortSignal;
}

/**
 * Interrupted, it sends nothing more and returns: rows held back for another pass are reported
 * as not made, rows never sent are not reported, a batch whose retry was stopped is reported as
 * not made (or as unknown when an attempt got no answer).
 */
export async function sendWrites(client: DataverseClient, field: string, writes: readonly ColumnWrite[], report: (outcome: WriteOutcome) => Promise<void>, options: SendOptions = {}): Promise<void> {
  const reported = new Set<ColumnWrite>();
  const onOutcome = (outcome: WriteOutcome) => {
    reported.add(outcome.write);
    return report(outcome);
  };
  const maxRowRetries = options.maxRowRetries ?? 2;
  // How often each row was sent again after a transient failure, and after a 429.
  const retried = new Map<ColumnWrite, number>();
  const throttled = new Map<ColumnWrite, number>();
  const countOf = (counts: Map<ColumnWrite, number>, write: ColumnWrite) => counts.get(write) ?? 0;
  // Why each row held back for another pass failed, for the report if no pass comes.
  const heldBack = new Map<ColumnWrite, string>();
  let interrupted = false;
  let pending = [...writes];
  while (pending.length > 0 && !interrupted) {
    const again: ColumnWrite[] = [];
    const batches = chunks([...pending.filter((w) => w.value === null), ...pending.filter((w) => w.value !== null)], BATCH_OPERATIONS);
    const withClears = batches.filter((b) => b[0]!.value === null);
    const setsOnly = batches.filter((b) => b[0]!.value !== null);
    for (const group of [withClears, setsOnly]) {
      let stop: unknown;
      await inParallel(group, client.gate.limit, async (chunk) => {
        // After a batch failed for good, the rest are not sent: the caller reports them as not sent.
        if (stop !== undefined || interrupted) return;
        if (options.mayWrite && !options.mayWrite(chunk)) {
          interrupted = true;
          return;
        }
        let noAnswer: DataverseFailure | undefined;
        let answers: (DataverseFailure | undefined)[];
        try {
          answers = await sendBatch(client, field, chunk, (f) => (noAnswer = f), options.signal);
        } catch (err) {
          if (err instanceof DataverseStoppedError) {
            interrupted = true;
            const error = noAnswer !== undefined
              ? `outcome unknown: an attempt ended without an answer (${describeFailure(noAnswer)}) and may have been applied; ${err.message}; run plan again to see`
              : `not made: ${err.message}`;
            for (const write of chunk) await onOutcome({ write, ok: false, error });
            return;
          }
          if (noAnswer !== undefined) {
            const error = `outcome unknown: an attempt ended without an answer (${describeFailure(noAnswer)}) and may have been applied; run plan again to see`;
            for (const write of chunk) await onOutcome({ write, ok: false, error });
          }
          stop ??= err;
          return;
        }
        let throttle: DataverseFailure | undefined;
        for (let i = 0; i < chunk.length; i++) {
          const write = chunk[i]!;
          const failure = answers[i];
          if (failure === undefined) {
            await onOutcome({ write, ok: true });
            continue;
          }
          const counts = failure.status === 429 ? throttled : isTransient(failure) ? retried : undefined;
          if (counts && countOf(counts, write) < (failure.status === 429 ? MAX_THROTTLES : maxRowRetries)) {
            counts.set(write, countOf(counts, write) + 1);
            if (failure.status === 429) throttle = failure;
            again.push(write);
            heldBack.set(write, describeFailure(failure));
            continue;
          }
          const unknown = noAnswer === undefined ? '' : `; outcome unknown: an earlier attempt got no answer (${describeFailure(noAnswer)}) and may have been applied`;
          await onOutcome({ write, ok: false, error: describeFailure(failure) + unknown });
        }
        if (throttle) {
          const rows = answers.filter((a) => a?.status === 429).length;
          client.holdForRetryAfter(`${rows} row(s) of the $batch of ${chunk.length} systemuser update(s)`, throttle);
        }
      });
      if (stop !== undefined) throw stop;
      if (interrupted) break;
    }
    pending = again;
  }
  if (interrupted) {
    // A row that failed once and was waiting for another pass did not take effect.
    for (const [write, why] of heldBack) {
      if (!reported.has(write)) await onOutcome({ write, ok: false, error: `not made: ${why}; the interrupt stopped the retry` });
    }
  }
}
