// The embedded file store through the real CLI: format, missing and corrupted files (never
// touched), local directories, preserved content, and the store's own rules.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { crmId, liveStore, livePairs, mappingYaml, pairStrings, pairs, readStore, STORE } from '../apply/seed.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project(files: Record<string, string>) {
  const p = await makeProject(files);
  cleanups.push(p.cleanup);
  return p.dir;
}

describe('file store', () => {
  it('treats a missing file as an empty store and creates it on apply, in the documented format', async () => {
    const dir = await project({ 'mappings/team.yaml': mappingYaml(pairs(2)) });
    const plan = await runCli(['plan'], { cwd: dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Plan: 2 to add, 0 to remove, 0 unchanged.');
    expect(existsSync(join(dir, STORE))).toBe(false);

    const apply = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.stderr).not.toContain('error:');
    expect(apply.code).toBe(0);
    const doc = await readStore(dir);
    expect(doc.mappings).toEqual([
      { crmUserId: crmId(1), outreachUserId: 1, crmUserName: 'User 1', outreachUserName: 'User 1' },
      { crmUserId: crmId(2), outreachUserId: 2, crmUserName: 'User 2', outreachUserName: 'User 2' },
    ]);
    // No temp files left next to the store after the atomic write.
    expect((await readdir(join(dir, '.mapsync'))).filter((f) => f.startsWith('live.json'))).toEqual(['live.json']);
  });

  it('reports a JSON syntax error with file:line:column and leaves the file untouched', async () => {
    const broken = '{\n  "mappings": [\n    {"crmUserId": "x", }\n  ]\n}\n';
    const dir = await project({ 'mappings/team.yaml': mappingYaml(pairs(1)), [STORE]: broken });
    for (const args of [['plan'], ['apply', '--auto-approve'], ['import']]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: \.mapsync\/live\.json:3:\d+: not valid JSON/m);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(await readFile(join(dir, STORE), 'utf8')).toBe(broken);
    }
    expect(existsSync(join(dir, '.mapsync/snapshots'))).toBe(false);
  });

  it.each([
    ['a list at the top', '[]\n', /expected a JSON object/],
    ['mappings that is not a list', '{"mappings": {}}\n', /"mappings" must be a list/],
    ['an Outreach id that is a string', `{"mappings": [{"crmUserId": "${crmId(1)}", "outreachUserId": "7"}]}\n`, /mappings\[0\]\.outreachUserId must be an integer >= 1/],
    ['a CRM id with a wrong checksum', `{"mappings": [{"crmUserId": "${crmId(1).slice(0, 15)}ZZZ", "outreachUserId": 7}]}\n`, /mappings\[0\]\.crmUserId: .*fails the Salesforce checksum/],
    ['a CRM id that is not a User id', '{"mappings": [{"crmUserId": "001000000000001", "outreachUserId": 7}]}\n', /mappings\[0\]\.crmUserId: .*User IDs start with 005/],
    ['a crmUsers entry without a valid id', '{"mappings": [], "crmUsers": [{"id": 5, "name": "A"}]}\n', /crmUsers\[0\]\.id must be a Salesforce User ID/],
    ['an empty file', '', /the file is empty/],
  ])('rejects %s with a one-line error naming the file, untouched', async (_what, content, message) => {
    const dir = await project({ 'mappings/team.yaml': mappingYaml(pairs(1)), [STORE]: content });
    const r = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(r.code).toBe(1);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(/^error: \.mapsync\/live\.json: /);
    expect(first).toMatch(message);
    expect(await readFile(join(dir, STORE), 'utf8')).toBe(content);
  });

  it('accepts 15-character ids in crmUsers and checks desired users against the local directories', async () => {
    const extra = {
      crmUsers: [
        { id: crmId(1).slice(0, 15), name: 'User 1', email: 'u1@example.com', active: true },
        { id: crmId(2), name: 'User 2', active: true },
      ],
      outreachUsers: [
        { id: 1, name: 'User 1', locked: false },
        { id: 2, name: 'User 2', locked: false },
      ],
      custom: { keep: 'me' },
    };
    const dir = await project({ 'mappings/team.yaml': mappingYaml(pairs(2)), [STORE]: liveStore([], extra) });
    const ok = await runCli(['plan'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Plan: 2 to add');

    // A user the directory does not know is an error pointing at the YAML.
    await writeFile(join(dir, 'mappings/more.yaml'), mappingYaml([{ crm: 3, outreach: 3 }]));
    const unknown = await runCli(['plan'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout + unknown.stderr).toContain(`mappings/more.yaml:2`);

    // Applying preserves the directories and unknown keys exactly.
    await writeFile(join(dir, 'mappings/more.yaml'), 'mappings: []\n');
    const apply = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code).toBe(0);
    const doc = await readStore(dir);
    expect(doc.crmUsers).toEqual(extra.crmUsers);
    expect(doc.outreachUsers).toEqual(extra.outreachUsers);
    expect(doc.custom).toEqual({ keep: 'me' });
    expect(await livePairs(dir)).toEqual(pairStrings(pairs(2)));
  });

  it('keeps unknown keys on existing entries and canonicalises nothing it did not change', async () => {
    const entry = { crmUserId: crmId(1).slice(0, 15), outreachUserId: 1, crmUserName: 'User 1', source: 'hr-sync' };
    const dir = await project({
      'mappings/team.yaml': mappingYaml([...pairs(1), { crm: 2, outreach: 2, name: 'User 2' }]),
      [STORE]: JSON.stringify({ mappings: [entry] }),
    });
    const plan = await runCli(['plan'], { cwd: dir });
    expect(plan.stdout).toContain('Plan: 1 to add, 0 to remove, 1 unchanged.'); // the 15-char live id matches the 18-char desired one
    const apply = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code).toBe(0);
    const doc = await readStore(dir);
    expect(doc.mappings[0]).toEqual(entry);
    expect(doc.mappings[1]).toMatchObject({ crmUserId: crmId(2), outreachUserId: 2 });
  });

  it('uses --store file:PATH and shows that spec in the plan', async () => {
    const dir = await project({ 'mappings/team.yaml': mappingYaml(pairs(1)), 'org/live.json': liveStore(pairs(1)) });
    const r = await runCli(['plan', '--store', 'file:./org/live.json', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).store).toBe('file:org/live.json');
    expect(JSON.parse(r.stdout).summary).toEqual({ add: 0, remove: 0, replace: 0, unchanged: 1 });
  });
  it('removes every copy of a pair the file holds twice, so one apply converges', async () => {
    const doubled = [...pairs(2), { crm: 2, outreach: 2, name: 'User 2' }];
    const dir = await project({ 'mappings/team.yaml': mappingYaml(pairs(1)), [STORE]: liveStore(doubled) });
    const plan = await runCli(['plan'], { cwd: dir });
    expect(plan.stdout).toContain('live-duplicate');
    expect(plan.stdout).toContain('Plan: 0 to add, 1 to remove, 1 unchanged.');
    const apply = await runCli(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code).toBe(0);
    expect(await livePairs(dir)).toEqual(pairStrings(pairs(1)));
    const again = await runCli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(again.code).toBe(0);
  });
});
