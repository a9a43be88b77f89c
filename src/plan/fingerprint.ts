// Fingerprints identify a set of mappings independent of order and of names: a saved plan is
// stale exactly when the live pairs it was computed against have changed.
import { createHash } from 'node:crypto';
import { comparePairs } from './order.js';

interface Pair {
  crmUserId: string;
  outreachUserId: number;
}

/**
 * sha256 over "crmUserId<TAB>outreachUserId\n" for each pair, in comparePairs order (CRM ID, then
 * Outreach id as a number). The pairs are sorted by reference and hashed in chunks, so 100,000
 * mappings cost no second copy of their text.
 */
export function fingerprintPairs(pairs: readonly Pair[]): string {
  const sorted = [...pairs].sort(comparePairs);
  const hash = createHash('sha256');
  let chunk = '';
  for (const p of sorted) {
    chunk += `${p.crmUserId}\t${p.outreachUserId}\n`;
    if (chunk.length > 65_536) { hash.update(chunk); chunk = ''; }
  }
  hash.update(chunk);
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
