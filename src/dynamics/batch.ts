// One $batch of independent PATCH operations through dynamics-web-api: each operation outside a
// change set, `Prefer: odata.continue-on-error`, and the answers matched to the operations by
// position (Dataverse answers every operation, in order, as an application/http part).
import { failureOf, type DataverseFailure } from './apiError.js';
import type { DataverseClient } from './client.js';

/** One column write on one systemuser, standing for one change or for a remove + add pair. */
export interface ColumnWrite {
  systemuserid: string;
  /** The new column value; null clears it. */
  value: number | null;
  /** Positions in the changes list that this write settles. */
  changeIndexes: number[];
}

/** One entry per write: undefined when it succeeded, else how it failed. */
export async function sendBatch(client: DataverseClient, field: string, writes: readonly ColumnWrite[], onNoAnswer: (f: DataverseFailure) => void, signal?: AbortSignal): Promise<(DataverseFailure | undefined)[]> {
  const answers = await client.send({ what: `the $batch of ${writes.length} systemuser update(s)`, onNoAnswer, ...(signal ? { signal } : {}) }, async (api) => {
    api.startBatch();
    // Queued on the instance, not sent: executeBatch sends them as one request.
    const queued = writes.map((write) => api.update({ collection: 'systemusers', key: write.systemuserid, data: { [field]: write.value }, inChangeSet: false }));
    // In batch mode the per-operation promises only say the operation was queued.
    await Promise.all(queued);
    return api.executeBatch({ continueOnError: true, inChangeSet: false });
  });
  const list: unknown[] = Array.isArray(answers) ? answers : [];
  return writes.map((_, i) => {
    // The batch was carried out, but this operation got no answer: it may or may not have happened.
    if (i >= list.length) return { message: 'outcome unknown: Dynamics 365 sent no answer for this operation; run plan again to see' };
    const answer = list[i];
    return answer instanceof Error || isErrorLike(answer) ? failureOf(answer) : undefined;
  });
}

function isErrorLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { status?: unknown }).status === 'number' && (value as { status: number }).status >= 400;
}
