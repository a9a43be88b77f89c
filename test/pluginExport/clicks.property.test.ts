// The property behind the clicks loop (CONTRACT §12): for any plugin list (the users CSV: each
// seat mapped to a CRM user, or not; a CRM user may even be mapped twice) and any valid mapping
// files, making the clicks `plan --format checklist` prints — read back from its text, in its
// order, the way an admin follows it, each click refused the way the plugin refuses it — gives a
// list whose next plan is empty. The real CLI both times; the CSV edited as the clicks change it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { crmId, exportCsv, exportProject, mappingsYaml, type ExportUser } from './support.js';

const SEATS = 8;
const CRM_USERS = 9;

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await exportProject({ csv: '', yaml: '' }));
});
afterAll(async () => cleanup());

/** A plugin list: seat n (1..SEATS) → CRM user number, or 0 for not mapped. */
const pluginList = fc.array(fc.integer({ min: 0, max: CRM_USERS }), { minLength: SEATS, maxLength: SEATS });
/** Mapping files: pairs unique on both sides (what validate allows). */
const mappings = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: CRM_USERS }), fc.integer({ min: 1, max: SEATS })), {
  maxLength: SEATS,
  selector: ([crm]) => crm,
}).map((pairs) => pairs.filter(([, seat], i) => pairs.findIndex(([, s]) => s === seat) === i));

function csvOf(list: readonly number[]): string {
  const users: ExportUser[] = list.map((crm, i) => ({ id: i + 1, first: 'Seat', last: String(i + 1), external: crm === 0 ? '' : crmId(crm) }));
  return exportCsv(users);
}

interface Click { kind: 'remove' | 'add'; crm: string; seat: number }

/** The steps of the checklist text, in order: which CRM user and which seat each click names. */
function clicksOf(checklist: string): Click[] {
  const clicks: Click[] = [];
  let current: Partial<Click> | undefined;
  for (const line of checklist.split('\n')) {
    const head = /^\s*\d+\. (Search for (\S+) and remove its mapping:|Add a mapping:)$/.exec(line);
    if (head) {
      current = { kind: head[2] ? 'remove' : 'add' };
      clicks.push(current as Click);
      continue;
    }
    if (!current) continue;
    const crm = /^\s+CRM user:\s+.*?\b(005[0-9A-Za-z]{15})\b/.exec(line);
    if (crm) current.crm = crm[1];
    const seat = /^\s+Outreach user:\s+.*\((\d+)\)$/.exec(line);
    if (seat) current.seat = Number(seat[1]);
  }
  return clicks;
}

describe('the clicks the checklist lists make the plugin list match mappings/', () => {
  it('for random plugin lists and mapping files, the next plan is empty', async () => {
    let removals = 0;
    let additions = 0;
    await fc.assert(fc.asyncProperty(pluginList, mappings, async (list, pairs) => {
      await writeFile(join(dir, 'users.csv'), csvOf(list));
      await writeFile(join(dir, 'mappings/team.yaml'), mappingsYaml(pairs.map(([crm, seat]) => ({ crm: crmId(crm), outreach: seat }))));
      const checklist = await runCli(['plan', '--format', 'checklist'], { cwd: dir });
      expect(checklist.code, checklist.stderr).toBe(0);
      const clicks = clicksOf(checklist.stdout);
      const json = JSON.parse((await runCli(['plan', '--format', 'json'], { cwd: dir })).stdout);
      // One click per removal and one per addition.
      expect(clicks).toHaveLength(json.summary.add + json.summary.remove);

      // The admin's clicks, with the plugin's own refusals: a removal must find that pair; an
      // addition needs a seat that is not mapped (the plugin cannot map a user who is still mapped).
      const after = list.map((crm) => (crm === 0 ? '' : crmId(crm)));
      for (const click of clicks) {
        if (click.kind === 'remove') removals++;
        else additions++;
        expect(click.crm).toBeDefined();
        expect(click.seat).toBeGreaterThanOrEqual(1);
        const i = click.seat - 1;
        if (click.kind === 'remove') {
          expect(after[i], `removal of ${click.crm} from seat ${click.seat}`).toBe(click.crm);
          after[i] = '';
        } else {
          expect(after[i], `seat ${click.seat} is still mapped when the checklist adds to it`).toBe('');
          expect(after.includes(click.crm!), `CRM user ${click.crm} is still mapped when the checklist adds it`).toBe(false);
          after[i] = click.crm;
        }
      }
      await writeFile(join(dir, 'users.csv'), exportCsv(after.map((external, i) => ({ id: i + 1, first: 'Seat', last: String(i + 1), external }))));
      const next = await runCli(['plan', '--format', 'json', '--detailed-exitcode'], { cwd: dir });
      expect(next.code, next.stdout).toBe(0);
      expect(JSON.parse(next.stdout).summary).toMatchObject({ add: 0, remove: 0 });
    }), { numRuns: 40, seed: 20261207 });
    // The runs made clicks of both kinds: the property was not held by empty checklists.
    expect(removals).toBeGreaterThan(20);
    expect(additions).toBeGreaterThan(20);
  }, 120_000);
});
