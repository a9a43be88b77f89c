// Before an apply changes anything it saves the live mappings to
// `<stateDir>/snapshots/<UTC timestamp>.json`, in the file store's format: copying a snapshot
// over a file store (or importing it into a real org) restores the state before the apply.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveState } from '../model.js';

/** 2026-11-24T23-30-05.123Z: sortable, and free of ':' so it is a valid file name everywhere. */
export function snapshotStamp(date: Date): string {
  return date.toISOString().replace(/:/g, '-');
}

export interface SnapshotInfo {
  store: string;
  liveFingerprint: string;
  takenAt: Date;
}

/** Writes the snapshot (never overwriting an older one) and returns its path. */
export function writeSnapshot(stateDir: string, live: LiveState, info: SnapshotInfo): string {
  const dir = join(stateDir, 'snapshots');
  mkdirSync(dir, { recursive: true });
  const body =
    JSON.stringify(
      {
        mappings: live.mappings,
        // Unknown to the file store's reader, so kept as-is if the snapshot is used as a store.
        snapshotOf: { store: info.store, liveFingerprint: info.liveFingerprint, takenAt: info.takenAt.toISOString() },
      },
      null,
      2,
    ) + '\n';
  const stamp = snapshotStamp(info.takenAt);
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? `${stamp}.json` : `${stamp}-${n}.json`);
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return path;
  }
}
