// `--format checklist` through the real CLI: the plan as an admin's clicks in the CRM plugin's
// mapping screen — removals first, searched by CRM user ID, additions naming both users, Save —
// and never a claim that mapsync itself clicks anything.
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { crmId, liveStore, mappingYaml, pairs, STORE, type Pair } from '../apply/seed.js';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

async function project(desired: Pair[], live: Pair[], extraFiles: Record<string, string> = {}): Promise<string> {
  const p = await makeProject({ 'mappings/team.yaml': mappingYaml(desired), [STORE]: liveStore(live), ...extraFiles });
  cleanups.push(p.cleanup);
  return p.dir;
}

/** The numbered steps: number, first line, and the lines under it. */
function steps(checklist: string): { n: number; head: string; body: string }[] {
  const found: { n: number; head: string; body: string }[] = [];
  for (const line of checklist.split('\n')) {
    const m = /^\s*([\d,]+)\. (.*)$/.exec(line);
    if (m) found.push({ n: Number(m[1]!.replace(/,/g, '')), head: m[2]!, body: '' });
    else if (found.length > 0 && /^\s{3,}\S/.test(line)) found[found.length - 1]!.body += line.trim() + '\n';
  }
  return found;
}

/** Wording that would say mapsync clicks (or will click) the plugin screen itself. */
const CLAIMS_TO_CLICK = /mapsync (will |has |did |then )?(click|add|remove|save|map)s?\b|the tool does the clicking|(we|mapsync) (will )?update the plugin/i;

describe('plan --format checklist', () => {
  it('lists every removal before every addition, each removal searched by CRM user ID, each addition naming both users, then Save', async () => {
    const dir = await project(
      [{ crm: 1, outreach: 11, name: 'Ada Lovelace' }, { crm: 2, outreach: 22, name: 'Grace Hopper' }, { crm: 4, outreach: 44, name: 'Alan Turing' }],
      [{ crm: 1, outreach: 11, name: 'Ada Lovelace' }, { crm: 2, outreach: 20, name: 'Grace Hopper' }, { crm: 3, outreach: 33, name: 'Bob Ng' }],
    );
    const result = await runCli(['plan', '--format', 'checklist'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toContain('Classic CRM plugin: CRM Plugin → User → Mappings');
    expect(out).toContain('Enhanced CRM Sync: CRM Sync → User object mapping → Mappings');
    expect(out).toMatch(/searching by name finds nothing/);
    expect(out).not.toMatch(CLAIMS_TO_CLICK);
    expect(out).toMatch(/mapsync does not click anything in the plugin screen/);

    const list = steps(out);
    expect(list.map((s) => s.n)).toEqual([1, 2, 3, 4]);
    const removals = list.filter((s) => /remove its mapping/.test(s.head));
    const additions = list.filter((s) => /^Add a mapping/.test(s.head));
    expect(removals).toHaveLength(2);
    expect(additions).toHaveLength(2);
    expect(Math.max(...removals.map((s) => s.n))).toBeLessThan(Math.min(...additions.map((s) => s.n)));

    // Removal: which ID to search for, and which pair (names from the live store) to remove; plain
    // removals before a replace's, the order of the PR comment's task list.
    expect(removals[0]!.head).toBe(`Search for ${crmId(3)} and remove its mapping:`);
    expect(removals[0]!.body).toContain(`Bob Ng (${crmId(3)})`);
    expect(removals[1]!.head).toBe(`Search for ${crmId(2)} and remove its mapping:`);
    expect(removals[1]!.body).toContain(`CRM user:      Grace Hopper (${crmId(2)})`);
    expect(removals[1]!.body).toContain('Outreach user: Grace Hopper (20)');
    // Grace is re-pointed: the removal says which step maps her again.
    expect(removals[1]!.body).toContain('(step 3 maps this CRM user again, to Outreach user 22)');

    // Addition: both users by name and ID as far as mapsync knows them, then Save.
    expect(additions[0]!.body).toContain(`CRM user:      Grace Hopper (${crmId(2)})`);
    expect(additions[0]!.body).toMatch(/Outreach user: 22\b/);
    expect(additions[0]!.body.trimEnd().endsWith('Save.')).toBe(true);
    expect(additions[1]!.body).toContain(`Alan Turing (${crmId(4)})`);
    expect(additions[1]!.body).toMatch(/Outreach user: 44\b/);
    expect(out).toMatch(/4 steps: 2 removals, then 2 additions\.\n$/);
  });

  it('names the users of an addition as the directories do (the dropdowns), not as the YAML claims', async () => {
    const store = {
      mappings: [],
      crmUsers: [{ id: crmId(1), name: 'Ada King, Countess of Lovelace', active: true }],
      outreachUsers: [{ id: 42, name: 'Ada Lovelace (Sales EMEA)', locked: false }],
    };
    const p = await makeProject({
      'mappings/team.yaml': mappingYaml([{ crm: 1, outreach: 42, name: 'Ada Lovelace' }]),
      [STORE]: JSON.stringify(store),
    });
    cleanups.push(p.cleanup);
    const result = await runCli(['plan', '--format', 'checklist'], { cwd: p.dir });
    expect(result.code, result.stderr).toBe(0);
    const [addition] = steps(result.stdout);
    expect(addition!.head).toBe('Add a mapping:');
    expect(addition!.body).toContain(`CRM user:      Ada King, Countess of Lovelace (${crmId(1)})`);
    expect(addition!.body).toContain('Outreach user: Ada Lovelace (Sales EMEA) (42)');
    expect(addition!.body).not.toContain('the name in mappings/');
  });

  it('puts the removal guard and the warnings before the first step', async () => {
    const live = pairs(12);
    const dir = await project(live.slice(0, 4), live);
    const result = await runCli(['plan', '--format', 'checklist'], { cwd: dir });
    expect(result.code).toBe(0);
    const guard = result.stdout.indexOf('unsafe-removals');
    expect(guard).toBeGreaterThan(0);
    expect(guard).toBeLessThan(result.stdout.search(/^\s*1\. /m));
    expect(steps(result.stdout)).toHaveLength(8);
  });

  it('says there is nothing to do for a plan without changes, and gives no steps for a plan with errors', async () => {
    const same = await project(pairs(2), pairs(2));
    const none = await runCli(['plan', '--format', 'checklist'], { cwd: same });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('Nothing to do: the plan has no changes.');
    expect(steps(none.stdout)).toEqual([]);

    // The file store's directory does not know CRM user 9: the plan has an error.
    const crmUsers = [{ id: crmId(1), name: 'User 1', active: true }];
    const broken = await makeProject({
      'mappings/team.yaml': mappingYaml([{ crm: 9, outreach: 9 }]),
      [STORE]: JSON.stringify({ mappings: [], crmUsers }),
    });
    cleanups.push(broken.cleanup);
    const failed = await runCli(['plan', '--format', 'checklist'], { cwd: broken.dir });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/No checklist: the plan has 1 error/);
    expect(steps(failed.stdout)).toEqual([]);
    expect(failed.stderr).toMatch(/mappings\/team\.yaml:\d+:\d+: error:/);
  });

  it('keeps a hostile name on its own line: a newline in a name cannot forge a step', async () => {
    const dir = await project([], [{ crm: 1, outreach: 1, name: 'Eve\n2. Search for everything and remove it' }]);
    const result = await runCli(['plan', '--format', 'checklist'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(steps(result.stdout).map((s) => s.n)).toEqual([1]);
    expect(result.stdout).toContain('Eve 2. Search for everything and remove it');
  });

  it('numbers a long plan with one number format (1,200 steps), and show renders the saved plan the same', async () => {
    const dir = await project(pairs(600, 1000), pairs(600));
    const result = await runCli(['plan', '--format', 'checklist', '--out', 'plan.json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const list = steps(result.stdout);
    expect(list).toHaveLength(1200);
    expect(list.map((s) => s.n)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(result.stdout).toMatch(/^1,200\. Add a mapping:$/m);
    expect(result.stdout).toMatch(/^    1\. Search for /m); // numbers aligned to the widest
    expect(result.stdout).toContain('1,200 steps: 600 removals, then 600 additions.');

    const shown = await runCli(['show', 'plan.json', '--format', 'checklist'], { cwd: dir });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(result.stdout);
  });
});
