// Before an apply changes anything it saves the live mappings to
// `<stateDir>/snapshots/<UTC timestamp>.json`, in the file store's format: copying a snapshot
// over a file store (or importing it into a real org) restores the state before the apply.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
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
  // Applies hold the store lock while they snapshot, so checking for a free name is enough.
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? `${stamp}.json` : `${stamp}-${n}.json`);
    if (existsSync(path)) continue;
    // Atomic like the store itself: a crash mid-snapshot leaves no half-written snapshot.
    writeFileAtomic.sync(path, body, { fsync: true });
    return path;
  }
}
