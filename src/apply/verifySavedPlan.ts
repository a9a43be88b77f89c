// "Saved plans are what was reviewed" (CONTRACT §3): before a saved plan is applied, under the
// store's lock, its changes are recomputed from the mapping files and the live store as they are
// now. A plan whose mapping files have changed since, or whose `changes` were edited by hand, is
// refused with nothing written — its fingerprints would otherwise vouch for changes nobody reviewed.
import type { CrmIdRules } from '../crm/index.js';
import { loadDesired } from '../desired/load.js';
import { MapsyncError } from '../errors.js';
import type { LiveState, Plan } from '../model.js';
import { desiredFingerprint } from '../plan/fingerprint.js';

const key = (action: string, crm: string, outreach: number) => `${action} ${crm} ${outreach}`;

/** The changes that take `live` to `desired`: removes of live pairs not desired, adds of desired pairs not live. */
function expectedChanges(desired: ReadonlyArray<{ crmUserId: string; outreachUserId: number }>, live: LiveState): string[] {
  const desiredKeys = new Set(desired.map((m) => key('', m.crmUserId, m.outreachUserId)));
  const liveKeys = new Set(live.mappings.map((m) => key('', m.crmUserId, m.outreachUserId)));
  const out = new Set<string>();
  for (const m of live.mappings) if (!desiredKeys.has(key('', m.crmUserId, m.outreachUserId))) out.add(key('remove', m.crmUserId, m.outreachUserId));
  for (const m of desired) if (!liveKeys.has(key('', m.crmUserId, m.outreachUserId))) out.add(key('add', m.crmUserId, m.outreachUserId));
  return [...out].sort();
}

export async function verifySavedPlan(plan: Plan, live: LiveState, mappingsDir: string, crm: CrmIdRules): Promise<void> {
  const loaded = await loadDesired(mappingsDir, crm);
  if (loaded.errors.length > 0) {
    throw new MapsyncError(`the mapping files in ${mappingsDir} no longer validate (${loaded.errors.length} error${loaded.errors.length === 1 ? '' : 's'}); nothing was changed`, {
      code: 'plan-desired-changed',
      hint: 'run `mapsync validate`, fix the files, then plan again',
    });
  }
  const now = desiredFingerprint(loaded.state);
  if (now !== plan.desiredFingerprint) {
    throw new MapsyncError('the mapping files changed since this plan was made; nothing was changed', {
      code: 'plan-desired-changed',
      hint: `run plan again on the current files (plan: ${plan.desiredFingerprint.slice(0, 19)}…, now: ${now.slice(0, 19)}…)`,
    });
  }
  const expected = expectedChanges(loaded.state.mappings, live);
  const saved = [...new Set(plan.changes.map((c) => key(c.action, c.crmUserId, c.outreachUserId)))].sort();
  if (saved.length !== plan.changes.length || expected.join('\n') !== saved.join('\n')) {
    const extra = saved.filter((c) => !expected.includes(c));
    const missing = expected.filter((c) => !saved.includes(c));
    const first = extra[0] ? `it has "${extra[0]}", which the mapping files do not ask for` : missing[0] ? `it lacks "${missing[0]}"` : 'it lists a change twice';
    throw new MapsyncError(`the plan's changes are not what its fingerprints produce (${first}); it was edited after it was made — nothing was changed`, {
      code: 'plan-edited',
      hint: 'make a new plan with `mapsync plan --out FILE` and review that one',
    });
  }
}
