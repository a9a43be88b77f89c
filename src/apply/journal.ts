// The audit journal: `<stateDir>/journal.jsonl`, one JSON object per line, appended as each
// outcome becomes known. Lines go straight to the kernel (synchronous append), so a killed
// process leaves every line it reported; fsync at intervals and at the end covers power loss.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Change, ChangeResult } from '../model.js';
import { redact } from '../secrets.js';

/** What every line of one apply run shares: where, against what, by whom. */
export interface RunInfo {
  /** Identifies the run; the same on every line it wrote. */
  run: string;
  store: string;
  liveFingerprint: string;
  desiredFingerprint: string;
  /** Relative to the working directory. */
  snapshot: string;
  planFile?: string;
  commit?: string;
  actor?: string;
}

const FSYNC_EVERY = 1000;

/**
 * The `end` line's counts. Change lines use `ok` as a boolean (did this change succeed); the end
 * line counts, under names of their own, so a `jq` filter on `.ok` never mixes the two.
 */
export interface EndSummary {
  /** Changes made (their change line says ok: true). */
  made: number;
  /** Changes that failed, including those whose outcome is unknown. */
  failed: number;
  /** Of the failed, those whose outcome is unknown (the write may have been applied). */
  outcomeUnknown?: number;
  /** Present (true) when SIGINT/SIGTERM stopped the run. */
  interrupted?: true;
  signal?: string;
  /** Changes of the plan never sent (an interrupt or an error stopped the run first). */
  notSent?: number;
  /** Why the run stopped early, when the store failed as a whole. */
  error?: string;
}

export interface Journal {
  readonly path: string;
  start(total: number): void;
  result(result: ChangeResult): void;
  end(summary: EndSummary): void;
  close(): void;
}

function changeFields(change: Change): Record<string, unknown> {
  const names =
    change.action === 'remove'
      ? { crmUserName: change.crmUserName, outreachUserName: change.outreachUserName }
      : { name: change.name, file: change.file, line: change.line };
  return { action: change.action, crmUserId: change.crmUserId, outreachUserId: change.outreachUserId, ...names };
}

/** `env` names the credentials to mask: a store's error text must never carry one into the file. */
export function openJournal(stateDir: string, info: RunInfo, env: NodeJS.ProcessEnv = process.env): Journal {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, 'journal.jsonl');
  const fd = openSync(path, 'a');
  let unsynced = 0;
  const write = (event: string, fields: Record<string, unknown>) => {
    const line = { time: new Date().toISOString(), event, ...fields, ...info };
    writeSync(fd, redact(JSON.stringify(line), env) + '\n');
    if (++unsynced >= FSYNC_EVERY) {
      fsyncSync(fd);
      unsynced = 0;
    }
  };
  let closed = false;
  return {
    path,
    start: (total) => write('start', { changes: total }),
    result: (r) => write('change', { ...changeFields(r.change), ok: r.ok, ...(r.error !== undefined ? { error: r.error } : {}) }),
    end: (summary) => write('end', { ...summary }),
    close: () => {
      if (closed) return;
      closed = true;
      fsyncSync(fd);
      closeSync(fd);
    },
  };
}
