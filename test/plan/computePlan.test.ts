import { describe, expect, it } from 'vitest';
import { computePlan, computePlanDetails } from '../../src/plan/computePlan.js';
import { fingerprintPairs } from '../../src/plan/fingerprint.js';
import { checkRemovals, isUnsafe, removalGuard } from '../../src/plan/removalGuard.js';
import { SAFETY, crmDirectory, crmId, desired, live, outreachDirectory } from './fixtures.js';

const base = { storeSpec: 'file:.mapsync/live.json', directories: {}, safety: SAFETY };

describe('computePlan: the diff', () => {
  it('removes live pairs not desired, adds desired pairs not live, counts the rest as unchanged', async () => {
    const plan = await computePlan({
      ...base,
      desired: desired([[3, 30], [1, 10], [2, 21]]),
      live: live([[1, 10], [2, 20], [4, 40]]),
    });
    expect(plan.summary).toEqual({ add: 2, remove: 2, replace: 1, unchanged: 1 });
    expect(plan.changes.map((c) => [c.action, c.crmUserId, c.outreachUserId])).toEqual([
      ['remove', crmId(2), 20],
      ['remove', crmId(4), 40],
      ['add', crmId(2), 21],
      ['add', crmId(3), 30],
    ]);
    expect(plan.changes[3]).toMatchObject({ file: 'mappings/team.yaml', line: 3 });
    expect(plan.errors).toBeUndefined();
    expect(plan.formatVersion).toBe(1);
    expect(plan.store).toBe('file:.mapsync/live.json');
  });

  it('puts every remove before every add, each sorted by CRM ID then Outreach id', async () => {
    const plan = await computePlan({
      ...base,
      desired: desired([[9, 1], [1, 99], [5, 7]]),
      live: live([[8, 3], [2, 4], [8, 2]]),
    });
    const actions = plan.changes.map((c) => c.action);
    expect(actions).toEqual(['remove', 'remove', 'remove', 'add', 'add', 'add']);
    const removes = plan.changes.filter((c) => c.action === 'remove').map((c) => [c.crmUserId, c.outreachUserId]);
    expect(removes).toEqual([[crmId(2), 4], [crmId(8), 2], [crmId(8), 3]]);
    const adds = plan.changes.filter((c) => c.action === 'add').map((c) => [c.crmUserId, c.outreachUserId]);
    expect(adds).toEqual([[crmId(1), 99], [crmId(5), 7], [crmId(9), 1]]);
  });

  it('is empty when live equals desired, whatever the order', async () => {
    const plan = await computePlan({ ...base, desired: desired([[1, 10], [2, 20]]), live: live([[2, 20], [1, 10]]) });
    expect(plan.changes).toEqual([]);
    expect(plan.summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 2 });
    expect(plan.warnings).toEqual([]);
  });

  it('records order- and name-independent fingerprints of live and desired pairs', async () => {
    const plan = await computePlan({ ...base, desired: desired([[1, 10], [2, 20]]), live: live([[2, 20, 'X'], [1, 10]]) });
    expect(plan.liveFingerprint).toBe(fingerprintPairs([{ crmUserId: crmId(1), outreachUserId: 10 }, { crmUserId: crmId(2), outreachUserId: 20 }]));
    expect(plan.liveFingerprint).toBe(plan.desiredFingerprint);
    expect(plan.liveFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const other = await computePlan({ ...base, desired: desired([[1, 10]]), live: live([[1, 11]]) });
    expect(other.liveFingerprint).not.toBe(plan.liveFingerprint);
  });

  it('shows a re-pointed seat as a remove plus an add, counted as one replace, the add named from the live store', async () => {
    const plan = await computePlan({ ...base, desired: desired([[1, 11]]), live: live([[1, 10, 'Ada', 'Ada']]) });
    expect(plan.changes).toEqual([
      { action: 'remove', crmUserId: crmId(1), outreachUserId: 10, crmUserName: 'Ada', outreachUserName: 'Ada' },
      { action: 'add', crmUserId: crmId(1), outreachUserId: 11, crmUserName: 'Ada', file: 'mappings/team.yaml', line: 3 },
    ]);
    expect(plan.summary).toMatchObject({ add: 1, remove: 1, replace: 1 });
  });
});

describe('computePlan: live duplicates', () => {
  it('warns when live maps a CRM user twice and removes the extra pair', async () => {
    const plan = await computePlan({ ...base, desired: desired([[1, 10]]), live: live([[1, 10], [1, 11]]) });
    expect(plan.changes).toEqual([{ action: 'remove', crmUserId: crmId(1), outreachUserId: 11 }]);
    const dup = plan.warnings.filter((w) => w.code === 'live-duplicate');
    expect(dup).toHaveLength(1);
    expect(dup[0]!.message).toContain(`CRM user ${crmId(1)} to 2 Outreach users (10, 11)`);
  });

  it('warns when live maps an Outreach user from two CRM users; the plan converges', async () => {
    const plan = await computePlan({ ...base, desired: desired([[2, 10]]), live: live([[1, 10], [2, 10]]) });
    expect(plan.changes.map((c) => [c.action, c.crmUserId])).toEqual([['remove', crmId(1)]]);
    expect(plan.summary).toEqual({ add: 0, remove: 1, replace: 0, unchanged: 1 });
    const dup = plan.warnings.find((w) => w.code === 'live-duplicate');
    expect(dup).toMatchObject({ outreachUserId: 10, crmUserId: crmId(1) });
    expect(dup!.message).toContain('Outreach user 10 from 2 CRM users');
  });

  it('warns about the same pair held twice and counts it once', async () => {
    const plan = await computePlan({ ...base, desired: desired([[1, 10]]), live: live([[1, 10], [1, 10]]) });
    expect(plan.changes).toEqual([]);
    expect(plan.summary.unchanged).toBe(1);
    expect(plan.warnings.map((w) => w.code)).toEqual(['live-duplicate']);
  });

  it('passes the store\'s own warnings through', async () => {
    const state = live([[1, 10]]);
    state.warnings.push({ code: 'live-invalid-value', message: 'Outreach user 9 holds "abc" in custom1', outreachUserId: 9 });
    const plan = await computePlan({ ...base, desired: desired([[1, 10]]), live: state });
    expect(plan.warnings).toEqual(state.warnings);
  });
});

describe('computePlan: directory checks', () => {
  it('asks each directory once, with every desired and live id', async () => {
    const crm = crmDirectory([[1, 'Ada'], [2, 'Bob'], [3, 'Cy']]);
    const outreach = outreachDirectory([[10, 'Ada'], [20, 'Bob'], [30, 'Cy']]);
    await computePlan({ ...base, directories: { crm: crm.directory, outreach: outreach.directory }, desired: desired([[1, 10], [2, 20]]), live: live([[3, 30], [1, 10]]) });
    expect(crm.calls).toHaveLength(1);
    expect([...crm.calls[0]!].sort()).toEqual([crmId(1), crmId(2), crmId(3)].sort());
    expect(outreach.calls).toHaveLength(1);
    expect([...outreach.calls[0]!].sort((a, b) => a - b)).toEqual([10, 20, 30]);
  });

  it('makes unknown users errors that point at the YAML entry', async () => {
    const crm = crmDirectory([[1, 'Ada']]);
    const outreach = outreachDirectory([[10, 'Ada']]);
    const plan = await computePlan({ ...base, directories: { crm: crm.directory, outreach: outreach.directory }, desired: desired([[1, 10], [2, 20, 'Bob Ng']], 'mappings/emea.yaml'), live: live([]) });
    expect(plan.errors).toEqual([
      { code: 'unknown-crm-user', message: `CRM user ${crmId(2)} (Bob Ng) is not in test CRM`, file: 'mappings/emea.yaml', line: 6, column: 5 },
      { code: 'unknown-outreach-user', message: 'Outreach user 20 (Bob Ng) is not in test Outreach', file: 'mappings/emea.yaml', line: 6, column: 5 },
    ]);
  });

  it('checks nothing on a side without a directory', async () => {
    const crm = crmDirectory([[1, 'Ada']]);
    const plan = await computePlan({ ...base, directories: { crm: crm.directory }, desired: desired([[1, 999]]), live: live([]) });
    expect(plan.errors).toBeUndefined();
  });

  it('warns about inactive CRM users and locked Outreach users', async () => {
    const crm = crmDirectory([[1, 'Ada', false], [2, 'Bob']]);
    const outreach = outreachDirectory([[10, 'Ada'], [20, 'Bob', true]]);
    const plan = await computePlan({ ...base, directories: { crm: crm.directory, outreach: outreach.directory }, desired: desired([[1, 10], [2, 20]]), live: live([]) });
    expect(plan.warnings.map((w) => [w.code, w.crmUserId, w.outreachUserId])).toEqual([
      ['crm-user-inactive', crmId(1), 10],
      ['outreach-user-locked', crmId(2), 20],
    ]);
    expect(plan.warnings[0]!.message).toContain('mappings/team.yaml:3');
  });

  it('warns name-mismatch for a repurposed seat, ignoring case and spacing differences', async () => {
    const crm = crmDirectory([[1, 'Ada Lovelace'], [2, 'Bob  Ng']]);
    const outreach = outreachDirectory([[10, 'Brian Old'], [20, 'bob ng']]);
    const plan = await computePlan({ ...base, directories: { crm: crm.directory, outreach: outreach.directory }, desired: desired([[1, 10], [2, 20]]), live: live([]) });
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatchObject({ code: 'name-mismatch', crmUserId: crmId(1), outreachUserId: 10 });
    expect(plan.warnings[0]!.message).toContain('"Ada Lovelace"');
    expect(plan.warnings[0]!.message).toContain('"Brian Old"');
  });

  it('warns name-mismatch when the YAML name differs from the directories, saying which', async () => {
    const crm = crmDirectory([[1, 'Ada King']]);
    const outreach = outreachDirectory([[10, 'Ada King']]);
    const plan = await computePlan({ ...base, directories: { crm: crm.directory, outreach: outreach.directory }, desired: desired([[1, 10, 'Ada Lovelace']]), live: live([]) });
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]!.code).toBe('name-mismatch');
    expect(plan.warnings[0]!.message).toBe(`mappings/team.yaml:3 names "Ada Lovelace" but CRM user ${crmId(1)} is "Ada King"`);
  });

  it('checks names of live-only pairs with the names the store reported', async () => {
    const plan = await computePlan({ ...base, desired: desired([]), live: live([[1, 10, 'Ada', 'Zed']]) });
    expect(plan.warnings.map((w) => w.code)).toEqual(['name-mismatch']);
    expect(plan.warnings[0]!.message).toContain('the plan removes it');
  });

  it('fills names on removes and live mappings from directories when the store had none', async () => {
    const crm = crmDirectory([[1, 'Ada']]);
    const outreach = outreachDirectory([[10, 'Ada L.']]);
    const { plan, live: filled } = await computePlanDetails({ ...base, directories: { crm: crm.directory, outreach: outreach.directory }, desired: desired([]), live: live([[1, 10, undefined, 'Store name']]) });
    expect(plan.changes[0]).toEqual({ action: 'remove', crmUserId: crmId(1), outreachUserId: 10, crmUserName: 'Ada', outreachUserName: 'Store name' });
    expect(filled.mappings[0]).toEqual({ crmUserId: crmId(1), outreachUserId: 10, crmUserName: 'Ada', outreachUserName: 'Store name' });
  });
});

describe('removal guard', () => {
  const liveOf = (n: number) => live(Array.from({ length: n }, (_, i) => [i + 1, i + 1] as [number, number]));
  const keep = (n: number, of: number) => desired(Array.from({ length: of - n }, (_, i) => [i + 1, i + 1] as [number, number]));

  it('warns over the threshold with the numbers, octoDNS style', async () => {
    const plan = await computePlan({ ...base, desired: keep(4, 10), live: liveOf(10) });
    expect(plan.warnings[0]).toEqual({ code: 'unsafe-removals', message: 'Too many removals: 40.0% is over 25.0% (4 of 10); apply needs --force' });
    expect(isUnsafe(plan)).toBe(true);
  });

  it('does not warn under the threshold', async () => {
    const plan = await computePlan({ ...base, desired: keep(2, 10), live: liveOf(10) });
    expect(plan.warnings).toEqual([]);
    expect(isUnsafe(plan)).toBe(false);
  });

  it('does not warn exactly at the threshold ("more than")', async () => {
    const plan = await computePlan({ ...base, desired: keep(5, 20), live: liveOf(20) });
    expect(plan.summary.remove / (plan.summary.remove + plan.summary.unchanged)).toBe(0.25);
    expect(isUnsafe(plan)).toBe(false);
    // A fraction that is not exact in binary is still compared as the same ratio.
    expect(checkRemovals({ add: 0, remove: 57, unchanged: 43 }, { minExisting: 10, maxRemovalFraction: 0.57 }).unsafe).toBe(false);
    expect(checkRemovals({ add: 0, remove: 58, unchanged: 42 }, { minExisting: 10, maxRemovalFraction: 0.57 }).unsafe).toBe(true);
  });

  it('does not apply below minExisting', async () => {
    const plan = await computePlan({ ...base, desired: keep(9, 9), live: liveOf(9) });
    expect(plan.summary.remove).toBe(9);
    expect(isUnsafe(plan)).toBe(false);
    const at = await computePlan({ ...base, desired: keep(10, 10), live: liveOf(10) });
    expect(at.warnings[0]!.message).toBe('Too many removals: 100.0% is over 25.0% (10 of 10); apply needs --force');
  });

  it('can be re-checked from a saved plan against other settings', async () => {
    const plan = await computePlan({ ...base, desired: keep(2, 10), live: liveOf(10) });
    expect(isUnsafe(plan, { minExisting: 5, maxRemovalFraction: 0.1 })).toBe(true);
    expect(removalGuard(plan.summary, { minExisting: 5, maxRemovalFraction: 0.1 })!.message).toBe('Too many removals: 20.0% is over 10.0% (2 of 10); apply needs --force');
    expect(removalGuard({ add: 5, remove: 0, unchanged: 0 }, SAFETY)).toBeUndefined();
  });
});

describe('computePlan: warnings in one stable order', () => {
  it('whatever order the store lists its mappings and warnings in, the warnings come out the same, sorted by code then IDs', async () => {
    const fc = (await import('fast-check')).default;
    // Duplicates (live-duplicate), store warnings, and a removal guard all at once.
    const pairs: Array<[number, number, string?, string?]> = [[1, 10], [1, 11], [2, 20], [3, 20], [4, 40], [5, 50], [6, 60], [7, 70], [8, 80], [9, 90], [10, 100], [11, 110]];
    const storeWarnings = [
      { code: 'live-duplicate' as const, message: 'z from the store', crmUserId: crmId(9) },
      { code: 'crm-user-inactive' as const, message: 'from the store', crmUserId: crmId(4), outreachUserId: 40 },
    ];
    const plans: string[] = [];
    await fc.assert(fc.asyncProperty(fc.shuffledSubarray(pairs, { minLength: pairs.length }), fc.shuffledSubarray(storeWarnings, { minLength: 2 }), async (order, warnings) => {
      const state = live(order);
      const plan = await computePlan({ ...base, desired: desired([[1, 10]]), live: { mappings: state.mappings, warnings } });
      const codes = plan.warnings.map((w) => w.code);
      expect(codes[0]).toBe('unsafe-removals');
      const rest = plan.warnings.slice(1);
      const key = (w: (typeof rest)[number]) => [w.code, w.crmUserId ?? '', String(w.outreachUserId ?? -1).padStart(12, '0'), w.message].join('\u0000');
      expect(rest.map(key)).toEqual(rest.map(key).sort());
      plans.push(JSON.stringify(plan.warnings));
    }), { seed: 88, numRuns: 60 });
    expect(new Set(plans).size).toBe(1);
  });
});
