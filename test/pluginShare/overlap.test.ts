// plan starts the plugin-share read before it reads the mapping files (the store lists over the
// network; stores/openEarly.ts). What a user sees must not change: the files' errors come first
// and alone, whatever the store would have said or failed with, and a read still in flight is
// stopped so the run ends at once.
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCliProcess } from '../helpers/cli.js';
import { crmId, setupShare, shareUser, userMapping } from './support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const BROKEN_FILE = 'mappings:\n  - crmUserId: not-an-id\n    outreachUserId: 1\n';

describe('plan on plugin-share while the files are read', () => {
  it('reports a file error first and alone, even when Snowflake refuses the key', async () => {
    // The fake knows another public key: the store's read fails with snowflake-auth.
    const { fake, dir, run } = await setupShare({ users: [shareUser(1)], pluginMappings: [userMapping(1, crmId(1))] }, cleanups);
    fake.publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    await writeFile(join(dir, 'mappings/team.yaml'), BROKEN_FILE);
    const result = await run(['plan', '--debug']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^mappings\/team\.yaml:2:16  crm-id-format/);
    expect(result.stderr).toContain('1 error in mappings/ — no plan was made');
    // Nothing of the store: neither its failure nor its debug lines.
    expect(result.stderr).not.toMatch(/snowflake|JWT/i);
    expect(result.stdout).toBe('');
    // The read had started (that is the overlap), and was refused.
    expect(fake.log.some((r) => r.method === 'POST' && r.status === 401)).toBe(true);

    // With good files the same refusal is the run's one error.
    await writeFile(join(dir, 'mappings/team.yaml'), `mappings:\n  - crmUserId: ${crmId(1)}\n    outreachUserId: 1\n`);
    const refused = await run(['plan']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Snowflake refused the key-pair JWT');
  });

  it('stops a statement still running when the files fail, so the process ends at once', async () => {
    // Without the stop, the client would poll this "running" statement for minutes.
    const { fake, dir, env } = await setupShare({ users: [shareUser(1)], pluginMappings: [userMapping(1, crmId(1))], fake: { pendingAnswers: 10_000 } }, cleanups);
    await writeFile(join(dir, 'mappings/team.yaml'), BROKEN_FILE);
    const result = await runCliProcess(['plan'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no plan was made');
    expect(result.stderr).not.toMatch(/snowflake/i);
    const answered = fake.log.filter((r) => r.status === 202).length;
    expect(answered).toBeGreaterThanOrEqual(1);
    // The process is gone: no poll arrives after it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(fake.log.filter((r) => r.status === 202).length).toBe(answered);
  }, 30_000);

  it('prints the store\'s debug lines after the files are read, and plans as before', async () => {
    const { run } = await setupShare({ users: [shareUser(1), shareUser(2)], pluginMappings: [userMapping(1, crmId(1))], desired: [{ crm: crmId(1), outreach: 1 }, { crm: crmId(2), outreach: 2 }] }, cleanups);
    const result = await run(['plan', '--format', 'json', '--debug']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).summary).toEqual({ add: 1, remove: 0, replace: 0, unchanged: 1 });
    expect(result.stderr).toMatch(/debug: snowflake: 3 rows in 1 partition\(s\), 1 request\(s\)/);
  });
});
