// The outreach store under `crm: dynamics`, through the real CLI against the fake Outreach API:
// the custom field holds the canonical systemuserid GUID. Values written in another accepted
// form are read as that GUID; a Salesforce ID there is a live-invalid-value warning, never a
// mapping; apply writes the canonical lower-case 36-character form.
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { startFakeOutreach } from '../fakes/outreachServer.js';
import { crmId, makeUsers } from '../outreach/helpers.js';

const TOKEN = 'crm-ids-outreach-token-5d1e';
const A = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const B = '6b29fc40-ca47-1067-b31d-00dd010662da';
const C = 'a8098c1a-f86e-11da-bd1a-00112444be1e';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(mapped: (id: number) => string | null, yaml: string) {
  const fake = await startFakeOutreach({ users: makeUsers(5, mapped), tokens: [TOKEN] });
  const project = await makeProject({ 'mapsync.config.yaml': 'crm: dynamics\nstore: outreach\n', 'mappings/team.yaml': yaml });
  cleanups.push(() => fake.close(), project.cleanup);
  const run = (...args: string[]) => runCli(args, { cwd: project.dir, env: { OUTREACH_ACCESS_TOKEN: TOKEN, OUTREACH_API_URL: fake.apiUrl } });
  return { fake, run };
}

describe('outreach store with Dynamics systemuserids', () => {
  it('reads GUIDs in any accepted form, warns about a Salesforce ID, and applies the canonical GUID', async () => {
    // User 1 holds A in braces and upper case, user 2 holds B, user 3 holds a Salesforce ID.
    const live = (id: number) => (id === 1 ? `{${A.toUpperCase()}}` : id === 2 ? B : id === 3 ? crmId(3) : null);
    const yaml = [
      'mappings:',
      `  - crmUserId: ${A}`,
      '    outreachUserId: 1',
      `  - crmUserId: "{${C.toUpperCase()}}"`,
      '    outreachUserId: 4',
      '',
    ].join('\n');
    const { fake, run } = await setup(live, yaml);

    const plan = await run('plan', '--format', 'json');
    expect(plan.code, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout);
    expect(json.summary).toMatchObject({ add: 1, remove: 1, unchanged: 1 });
    expect(json.changes.map((c: { action: string; crmUserId: string; outreachUserId: number }) => [c.action, c.crmUserId, c.outreachUserId])).toEqual([
      ['remove', B, 2],
      ['add', C, 4],
    ]);
    const invalid = json.warnings.filter((w: { code: string }) => w.code === 'live-invalid-value');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ outreachUserId: 3 });
    expect(invalid[0].message).toContain(`has custom1 = "${crmId(3)}", which is not a Dynamics systemuserid`);
    expect(invalid[0].message).toContain('looks like a Salesforce User ID');

    const applied = await run('apply', '--auto-approve');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    // Written as the canonical form; the untouched users keep what they held.
    expect(fake.users.get(1)!.custom1).toBe(`{${A.toUpperCase()}}`);
    expect(fake.users.get(2)!.custom1 ?? null).toBeNull();
    expect(fake.users.get(3)!.custom1).toBe(crmId(3));
    expect(fake.users.get(4)!.custom1).toBe(C);

    const again = await run('plan', '--detailed-exitcode');
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });
});
