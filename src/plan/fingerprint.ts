// Fingerprints identify a set of mappings independent of order and of names: a saved plan is
// stale exactly when the live pairs it was computed against have changed.
import { createHash } from 'node:crypto';

interface Pair {
  crmUserId: string;
  outreachUserId: number;
}

export function fingerprintPairs(pairs: readonly Pair[]): string {
  const lines = pairs.map((p) => `${p.crmUserId}\t${p.outreachUserId}`);
  lines.sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line + '\n');
  return `sha256:${hash.digest('hex')}`;
}

/** The fingerprint a plan records for the live store; apply recomputes it to detect a stale plan. */
export function liveFingerprint(live: { mappings: readonly Pair[] }): string {
  return fingerprintPairs(live.mappings);
}

/** The fingerprint of the desired pairs (mappings/), independent of files, order and names. */
export function desiredFingerprint(desired: { mappings: readonly Pair[] }): string {
  return fingerprintPairs(desired.mappings);
}
