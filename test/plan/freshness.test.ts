// Freshness and the read-only fields of a plan (CONTRACT §12): a plan made against a store that
// says how fresh its list is (LiveState.asOf, the plugin share's latest DML_AT) says "plugin list as
// of …" in UTC in every body, whatever the machine's time zone; `readOnly`, `asOf` and `notes` are
// optional fields of the Plan JSON that `show PLANFILE` renders the same way `plan` did.
// The plan is made through the real CLI on a plugin-export store; the freshness is then set the way
// a store that has one would, and `show` runs as a process so TZ is the child's own.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, runCliProcess } from '../helpers/cli.js';
import { crmId, exportCsv, exportProject, mappingsYaml } from '../pluginExport/support.js';
import { asOfPhrase } from '../../src/plan/render/readOnly.js';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

const AS_OF = '2026-11-30T08:15:42.123Z';
const PHRASE = 'plugin list as of 2026-11-30 08:15 UTC';

async function savedReadOnlyPlan(): Promise<{ dir: string; file: string }> {
  const p = await exportProject({
    csv: exportCsv([{ id: 42, first: 'Ada', last: 'Lovelace', external: crmId(1) }, { id: 57, first: 'Grace', last: 'Hopper', external: '' }]),
    yaml: mappingsYaml([{ crm: crmId(1), outreach: 42 }, { crm: crmId(2), outreach: 57 }]),
  });
  cleanups.push(p.cleanup);
  const saved = await runCli(['plan', '--out', 'plan.json'], { cwd: p.dir });
  expect(saved.code, saved.stderr).toBe(0);
  const file = join(p.dir, 'plan.json');
  const plan = JSON.parse(await readFile(file, 'utf8'));
  // What a store with a freshness gives the plan: asOf right after readOnly, as `plan` writes it.
  const { formatVersion, store, readOnly, ...rest } = plan;
  await writeFile(file, JSON.stringify({ formatVersion, store, readOnly, asOf: AS_OF, ...rest }, null, 2) + '\n');
  return { dir: p.dir, file };
}

describe('freshness: "plugin list as of …"', () => {
  it('is UTC to the minute whatever the time zone', () => {
    const before = process.env.TZ;
    try {
      for (const tz of ['UTC', 'Pacific/Auckland', 'America/Los_Angeles']) {
        process.env.TZ = tz;
        expect(asOfPhrase(AS_OF)).toBe(PHRASE);
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('is in the text, Markdown and checklist bodies of a saved plan, under any TZ; JSON round-trips the fields', async () => {
    const { dir, file } = await savedReadOnlyPlan();
    const written = await readFile(file, 'utf8');
    for (const tz of ['Pacific/Auckland', 'America/Los_Angeles']) {
      const env = { TZ: tz };
      const text = await runCliProcess(['show', 'plan.json'], { cwd: dir, env });
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain(`Freshness: ${PHRASE}.`);
      expect(text.stdout.startsWith("Checklist for the CRM plugin's user mappings")).toBe(true);
      const markdown = await runCliProcess(['show', 'plan.json', '--format', 'markdown'], { cwd: dir, env });
      expect(markdown.stdout).toContain(`Freshness: ${PHRASE}.`);
      expect(markdown.stdout).toContain('- [ ] 1. Add a mapping:');
      const checklist = await runCliProcess(['show', 'plan.json', '--format', 'checklist'], { cwd: dir, env });
      expect(checklist.stdout).toContain(`Freshness: ${PHRASE}.`);
      // JSON keeps the optional fields where `plan` writes them: the same bytes back.
      const json = await runCliProcess(['show', 'plan.json', '--format', 'json'], { cwd: dir, env });
      expect(json.stdout).toBe(written);
    }
    const plan = JSON.parse(written);
    expect(Object.keys(plan).slice(0, 5)).toEqual(['formatVersion', 'store', 'readOnly', 'asOf', 'liveFingerprint']);
    expect(plan.notes).toEqual([expect.objectContaining({ code: 'crm-checks-skipped' })]);
    // The notes are said once in each body.
    const again = await runCli(['show', 'plan.json'], { cwd: dir });
    expect(again.stdout.match(/CRM users were not checked/g)).toHaveLength(1);
  });

  it('a saved plan with a damaged asOf or readOnly is one line, not a plan', async () => {
    const { dir, file } = await savedReadOnlyPlan();
    const plan = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...plan, asOf: 'last tuesday' }));
    const badAsOf = await runCli(['show', 'plan.json'], { cwd: dir });
    expect(badAsOf.code).toBe(1);
    expect(badAsOf.stderr).toMatch(/^error: plan\.json: not a usable mapsync plan: "asOf" must be an ISO 8601 time$/m);
    await writeFile(file, JSON.stringify({ ...plan, readOnly: false }));
    const badFlag = await runCli(['show', 'plan.json'], { cwd: dir });
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/"readOnly" must be true when present/);
  });

  it('plans of other stores carry none of the fields (their bytes are unchanged)', async () => {
    const p = await exportProject({ csv: '', yaml: mappingsYaml([{ crm: crmId(1), outreach: 42 }]), config: 'store: file:.mapsync/live.json\n' });
    cleanups.push(p.cleanup);
    const result = await runCli(['plan', '--format', 'json'], { cwd: p.dir });
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan).not.toHaveProperty('readOnly');
    expect(plan).not.toHaveProperty('asOf');
    expect(plan).not.toHaveProperty('notes');
    const text = await runCli(['plan'], { cwd: p.dir });
    expect(text.stdout).not.toMatch(/plugin list as of|Checklist for/);
  });
});
