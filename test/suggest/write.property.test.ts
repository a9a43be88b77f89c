// Property: for random directories and mapping files, the edits `suggest --write` makes always
// validate, touch only the entries the suggestions name, and leave nothing more to suggest.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CRM_RULES } from '../../src/crm/index.js';
import { formatMappingFile } from '../../src/desired/format.js';
import { loadDesiredDetails } from '../../src/desired/load.js';
import type { CrmUser, OutreachUser } from '../../src/directories/directory.js';
import type { DesiredMapping } from '../../src/model.js';
import { computeSuggestions } from '../../src/suggest/rules.js';
import { editMappingFiles } from '../../src/suggest/write.js';
import { id } from './org.js';

const NAMES = ['Ada Lovelace', 'Bob Ng', 'Carla Diaz', 'Dana Ek', 'ada lovelace'];
const EMAILS = ['a@example.com', 'A@Example.com ', ' b@example.com', 'c@example.com', 'd@example.com', 'e@example.com', 'f@example.com'];
const FILES = ['mappings/a.yaml', 'mappings/team/b.yaml'];
const ADD_TO = 'mappings/suggested.yaml';

const crmUser = (n: number) => fc.record({
  name: fc.constantFrom(...NAMES),
  email: fc.option(fc.constantFrom(...EMAILS), { nil: undefined }),
  active: fc.boolean(),
}).map((u): CrmUser => ({ id: id(n), ...u }));
const seat = (n: number) => fc.record({
  name: fc.constantFrom(...NAMES),
  email: fc.option(fc.constantFrom(...EMAILS), { nil: undefined }),
  locked: fc.boolean(),
}).map((u): OutreachUser => ({ id: n, ...u }));

/** A directory of up to 9 users a side, and an injective partial mapping between them, in two files. */
const world = fc.record({
  crm: fc.tuple(...[1, 2, 3, 4, 5, 6, 7, 8, 9].map(crmUser)),
  seats: fc.tuple(...[1, 2, 3, 4, 5, 6, 7, 8, 9].map(seat)),
  pairs: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 1 }), fc.boolean()), {
    maxLength: 7,
    selector: ([c]) => c,
  }).map((list) => list.filter(([, o], i) => list.findIndex(([, o2]) => o2 === o) === i)),
  dropCrm: fc.integer({ min: 0, max: 9 }),
});

function fileTexts(pairs: [number, number, number, boolean][], crm: CrmUser[]): Map<string, string> {
  const texts = new Map<string, string>();
  FILES.forEach((file, f) => {
    const lines = ['mappings:'];
    for (const [c, o, at, named] of pairs) {
      if (at !== f) continue;
      lines.push(`  - crmUserId: ${id(c)} # seat ${o}`, `    outreachUserId: ${o}`);
      const name = crm.find((u) => u.id === id(c))?.name;
      if (named && name) lines.push(`    name: ${JSON.stringify(name)}`, '    note: kept by hand');
    }
    if (lines.length === 1) lines[0] = 'mappings: []';
    texts.set(file, formatMappingFile(file, lines.join('\n') + '\n'));
  });
  return texts;
}

async function load(texts: Map<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'mapsync-suggest-prop-'));
  try {
    for (const [file, text] of texts) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), text);
    }
    return await loadDesiredDetails('mappings', dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const entryKey = (m: DesiredMapping) => JSON.stringify([m.location.file, m.crmUserId, m.outreachUserId, m.name ?? null, m.email ?? null, m.note ?? null]);

describe('suggest --write (property)', () => {
  it('always validates, touches only the entries it names, and is idempotent', async () => {
    const seen = new Set<string>();
    await fc.assert(fc.asyncProperty(world, async ({ crm, seats, pairs, dropCrm }) => {
      // One CRM user may be missing from the directory (id 10 never is in it).
      const crmUsers = crm.filter((_, i) => i + 1 !== dropCrm);
      const texts = fileTexts(pairs, crm);
      const before = await load(texts);
      expect(before.errors).toEqual([]);
      const sources = { crm: 'test', outreach: 'test' };
      const set = computeSuggestions({ mappings: before.state.mappings, crmUsers, outreachUsers: seats, addTo: ADD_TO, sources });
      for (const s of set.suggestions) seen.add(s.reason);
      // No two suggestions claim one user (the rules guarantee it; there is no reason to fall back on).
      const claims = set.suggestions.filter((s) => s.action !== 'remove');
      expect(new Set(claims.map((s) => s.crmUserId)).size).toBe(claims.length);
      expect(new Set(claims.map((s) => s.outreachUserId)).size).toBe(claims.length);
      for (const u of set.unresolved) seen.add(u.reason);
      const outcome = editMappingFiles({ suggestions: set.suggestions, texts, desired: before.state.mappings, addTo: ADD_TO, date: '2026-01-02', max: 200, crm: DEFAULT_CRM_RULES });

      const after = new Map(texts);
      for (const edit of outcome.edits) after.set(edit.file, edit.after);
      const loaded = await load(after);
      // validates (schema, IDs, uniqueness across files) and stays fmt-clean
      expect(loaded.errors).toEqual([]);
      for (const [file, text] of after) expect(formatMappingFile(file, text)).toBe(text);

      // touches only the entries it names
      const named = new Set(set.suggestions.flatMap((s) => (s.action === 'add' ? [] : [s.previousCrmUserId ?? s.crmUserId])));
      const untouchedBefore = before.state.mappings.filter((m) => !named.has(m.crmUserId)).map(entryKey).sort();
      const afterKeys = new Set(loaded.state.mappings.map(entryKey));
      for (const key of untouchedBefore) expect(afterKeys.has(key)).toBe(true);
      const expectedCount = before.state.mappings.length + set.suggestions.filter((s) => s.action === 'add').length - set.suggestions.filter((s) => s.action === 'remove').length;
      expect(loaded.state.mappings.length).toBe(expectedCount);
      for (const s of set.suggestions) {
        const entry = loaded.state.mappings.find((m) => m.outreachUserId === s.outreachUserId);
        if (s.action === 'remove') expect(entry).toBeUndefined();
        else expect(entry?.crmUserId).toBe(s.crmUserId);
      }

      // idempotent: nothing more to suggest, the same doubts
      const again = computeSuggestions({ mappings: loaded.state.mappings, crmUsers, outreachUsers: seats, addTo: ADD_TO, sources });
      expect(again.suggestions).toEqual([]);
      const doubts = (list: typeof set.unresolved) => list.map((u) => `${u.reason} ${u.crmUserId ?? ''} ${u.outreachUserId ?? ''}`).sort();
      expect(doubts(again.unresolved)).toEqual(doubts(set.unresolved));
    }), { numRuns: 150, seed: 20261201 });
    // The generator reaches every rule and the common doubts (else the property proves little).
    for (const reason of ['new-seat', 'crm-user-replaced', 'seat-repurposed', 'user-gone', 'email-shared', 'no-email', 'candidate-mapped-elsewhere', 'crm-user-missing', 'only-inactive-crm-users']) {
      expect(seen.has(reason), reason).toBe(true);
    }
  });
});
