// Writing the mapping field in bulk through sObject Collections: PATCH composite/sobjects,
// allOrNone false, at most 200 records a request and each User at most once a request.
import type { Change } from '../model.js';
import { describeApiError, isNetworkError, isTimeout } from './apiError.js';
import { SalesforceStoppedError, type SalesforceClient } from './client.js';

/** Salesforce's ceiling for one sObject Collections write. */
export const WRITE_BATCH = 200;

/** Per-record failures that mean "try that record again in a moment", not "this is wrong". */
const TRANSIENT_RECORD_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'REQUEST_RUNNING_TOO_LONG']);

/** One field write on one User, standing for one change or for a remove + add pair. */
export interface FieldWrite {
  crmUserId: string;
  /** The new field value; null clears it. */
  value: string | null;
  /** Positions in the changes list that this write settles. */
  changeIndexes: number[];
}

/**
 * Turns changes into field writes. A remove and an add on the same User become one write of the
 * new value (a request may name a User only once, and it is one field either way). Pure removes
 * go first, like the changes themselves.
 */
export function fieldWrites(changes: readonly Change[]): FieldWrite[] {
  const byUser = new Map<string, FieldWrite>();
  const order: FieldWrite[] = [];
  changes.forEach((change, index) => {
    const existing = byUser.get(change.crmUserId);
    if (existing) {
      existing.changeIndexes.push(index);
      if (change.action === 'add') existing.value = String(change.outreachUserId);
      return;
    }
    const write: FieldWrite = { crmUserId: change.crmUserId, value: change.action === 'add' ? String(change.outreachUserId) : null, changeIndexes: [index] };
    byUser.set(change.crmUserId, write);
    order.push(write);
  });
  const clears = order.filter((w) => w.value === null);
  const sets = order.filter((w) => w.value !== null);
  return [...clears, ...sets];
}

export interface WriteOutcome {
  write: FieldWrite;
  ok: boolean;
  error?: string;
}

interface SaveResult {
  id?: string;
  success: boolean;
  errors?: { statusCode?: string; message?: string; fields?: string[] }[];
}

function recordError(result: SaveResult | undefined): { message: string; transient: boolean } {
  if (!result) return { message: 'Salesforce returned no result for this record', transient: false };
  const first = result.errors?.[0];
  if (!first) return { message: 'Salesforce reported a failure without a reason', transient: false };
  const fields = first.fields && first.fields.length > 0 ? ` (${first.fields.join(', ')})` : '';
  return { message: `${first.statusCode ?? 'ERROR'}: ${first.message ?? ''}${fields}`.trim(), transient: TRANSIENT_RECORD_CODES.has(first.statusCode ?? '') };
}

export interface SendOptions {
  /** Passes for records that failed with a transient per-record code. */
  maxRecordRetries?: number;
  /** Asked right before each request; false (the run was interrupted) stops sending. */
  mayWrite?: (chunk: readonly FieldWrite[]) => boolean;
  /** The interrupt: no retry after it (see SalesforceClient.request). */
  signal?: AbortSignal;
}

/**
 * Sends the writes in requests of at most 200 (clears first, in their own requests) and reports
 * each outcome as soon as it is known.
 * A whole request that fails transiently (503, timeout) is sent again — setting a field to a
 * value means the same thing twice, and nothing of it was reported yet. Records that fail with a
 * transient per-record code are sent again in a later request, alone: only records without a
 * reported outcome are ever re-sent. Any other request failure is thrown (after the outcomes
 * already reported) for the caller to settle the rest.
 * Interrupted (options.mayWrite says no), it sends nothing more and returns: records held back
 * for a per-record retry are reported as not made, records never sent are not reported.
 */
export async function sendWrites(
  client: SalesforceClient,
  field: string,
  writes: readonly FieldWrite[],
  onOutcome: (outcome: WriteOutcome) => Promise<void>,
  options: SendOptions = {},
): Promise<void> {
  const maxRecordRetries = options.maxRecordRetries ?? 2;
  let pending = [...writes];
  // Why each record held back for another pass failed, for the report if no pass comes.
  const heldBack = new Map<FieldWrite, string>();
  const stop = async () => {
    for (const write of pending) {
      const why = heldBack.get(write);
      if (why !== undefined) await onOutcome({ write, ok: false, error: `not made: ${why}; the interrupt stopped the retry` });
    }
  };
  for (let pass = 0; pending.length > 0; pass++) {
    const again: FieldWrite[] = [];
    // Clears and sets never share a request, so every clear is committed before any value
    // that may have been freed by it is set elsewhere.
    const clears = pending.filter((w) => w.value === null);
    const sets = pending.filter((w) => w.value !== null);
    const chunks: FieldWrite[][] = [];
    for (const group of [clears, sets]) for (let start = 0; start < group.length; start += WRITE_BATCH) chunks.push(group.slice(start, start + WRITE_BATCH));
    for (const [n, chunk] of chunks.entries()) {
      if (options.mayWrite && !options.mayWrite(chunk)) {
        pending = [...again, ...chunks.slice(n).flat()];
        return stop();
      }
      const body = {
        allOrNone: false,
        records: chunk.map((w) => ({ attributes: { type: 'User' }, id: w.crmUserId, [field]: w.value })),
      };
      // A request that timed out or lost its connection may have been carried out by the org
      // all the same: if no later attempt settles it, its records' outcome is unknown, and the
      // journal must say so rather than stay silent about writes that may have happened.
      let maybeApplied: string | undefined;
      let results: SaveResult[];
      try {
        results = await client.request<SaveResult[]>('PATCH', `${client.dataPath}/composite/sobjects`, body, {
          what: `the write of ${chunk.length} User record(s)`,
          retry: true,
          ...(options.signal ? { signal: options.signal } : {}),
          onFailedAttempt: (err) => {
            if (isTimeout(err) || isNetworkError(err)) maybeApplied = describeApiError(err);
          },
        });
      } catch (err) {
        if (maybeApplied !== undefined) {
          const error = `outcome unknown: an attempt ended without an answer (${maybeApplied}) and may have been applied; run plan again to see`;
          for (const write of chunk) await onOutcome({ write, ok: false, error });
        } else if (err instanceof SalesforceStoppedError) {
          // The failed attempt was answered, so nothing of it was written.
          for (const write of chunk) await onOutcome({ write, ok: false, error: `not made: ${err.message} after a failed attempt` });
        }
        if (err instanceof SalesforceStoppedError) {
          pending = [...again, ...chunks.slice(n + 1).flat()];
          return stop();
        }
        throw err;
      }
      // Results come in request order; a failed record's result may carry no id.
      for (let i = 0; i < chunk.length; i++) {
        const write = chunk[i]!;
        const result = Array.isArray(results) ? results[i] : undefined;
        if (result?.success) {
          await onOutcome({ write, ok: true });
          continue;
        }
        const problem = recordError(result);
        if (problem.transient && pass < maxRecordRetries) {
          again.push(write);
          heldBack.set(write, problem.message);
        } else {
          // An earlier attempt of this request got no answer and may have written the record already.
          const unknown = maybeApplied === undefined ? '' : `; outcome unknown: an earlier attempt got no answer (${maybeApplied}) and may have been applied`;
          await onOutcome({ write, ok: false, error: problem.message + unknown });
        }
      }
    }
    pending = again;
  }
}

