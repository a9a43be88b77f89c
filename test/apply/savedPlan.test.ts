// Saved plans are what was reviewed (CONTRACT §3), through the real CLI: a plan whose `changes`
// were edited by hand, or made from mapping files that have changed since, is refused with exit
// 1 and nothing written; an untouched plan applies.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { crmId, liveStore, mappingYaml, pairs, STORE } from './seed.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Live: users 1-4. Desired: users 1-4 and 5. The plan adds user 5. */
async function planned() {
  const p = await makeProject({ [STORE]: liveStore(pairs(4)), 'mappings/team.yaml': mappingYaml(pairs(5)) });
  cleanups.push(p.cleanup);
  const r = await runCli(['plan', '--out', 'plan.json'], { cwd: p.dir });
  expect(r.code, r.stderr).toBe(0);
  const store = await readFile(join(p.dir, STORE), 'utf8');
  return { dir: p.dir, store };
}

type Edit = (plan: { changes: Array<Record<string, unknown>>; summary: Record<string, number> }) => void;

const EDITS: Array<{ name: string; edit: Edit; says: RegExp }> = [
  {
    name: 'a removal added by hand',
    edit: (plan) => {
      plan.changes.unshift({ action: 'remove', crmUserId: crmId(2), outreachUserId: 2 });
      plan.summary.remove = 1;
    },
    says: /edited after it was made/,
  },
  { name: 'an add re-pointed to another Outreach user', edit: (plan) => void (plan.changes[0]!.outreachUserId = 99), says: /edited after it was made/ },
  { name: 'the only change deleted', edit: (plan) => void plan.changes.splice(0, 1), says: /edited after it was made|nothing to do/ },
  { name: 'a change listed twice', edit: (plan) => void plan.changes.push({ ...plan.changes[0]! }), says: /edited after it was made|not a usable mapsync plan/ },
];

describe('apply PLANFILE refuses a plan that is not what was reviewed', () => {
  it.each(EDITS)('$name', async ({ edit, says }) => {
    const { dir, store } = await planned();
    const plan = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8'));
    edit(plan);
    await writeFile(join(dir, 'plan.json'), JSON.stringify(plan, null, 2));
    const r = await runCli(['apply', 'plan.json'], { cwd: dir });
    if (plan.changes.length === 0) {
      // An emptied plan has nothing to apply: it writes nothing either way.
      expect(await readFile(join(dir, STORE), 'utf8')).toBe(store);
      return;
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(says);
    if (!/not a usable/.test(r.stderr)) expect(r.stderr).toMatch(/nothing was changed/);
    expect(await readFile(join(dir, STORE), 'utf8')).toBe(store);
  });

  it('a plan made from mapping files that changed since is refused', async () => {
    const { dir, store } = await planned();
    await writeFile(join(dir, 'mappings/team.yaml'), mappingYaml(pairs(6)));
    const r = await runCli(['apply', 'plan.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the mapping files changed since this plan was made; nothing was changed/m);
    expect(await readFile(join(dir, STORE), 'utf8')).toBe(store);
  });

  it('an untouched plan applies', async () => {
    const { dir } = await planned();
    const r = await runCli(['apply', 'plan.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(dir, STORE), 'utf8')).mappings).toHaveLength(5);
  });
});
