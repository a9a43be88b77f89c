// suggest on Dynamics 365: the dynamics store's one paged read of systemusers is also the CRM
// directory suggest lists (disabled users included, names from fullname, e-mails from
// internalemailaddress), the Outreach users come from the Outreach API, nothing is written.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { startFakeDataverse, systemUserId as id } from '../fakes/dataverseServer.js';
import { startFakeOutreach } from '../fakes/outreachServer.js';
import { serviceOrg } from '../suggest/org.js';

const OUTREACH_TOKEN = 'outreach-token-for-dynamics-suggest';
let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers) await c();
  closers = [];
});

describe('suggest with the Dynamics 365 directory', () => {
  it('store dynamics: every systemuser from the one paged read, Outreach users from the Outreach API, nothing written', async () => {
    const dv = await startFakeDataverse();
    closers.push(() => dv.close());
    for (const u of serviceOrg.people) dv.addUser({ systemuserid: id(u.n), fullname: u.name, internalemailaddress: u.email, isdisabled: !u.active, new_outreachuserid: u.mapped });
    const outreach = await startFakeOutreach({ tokens: [OUTREACH_TOKEN], users: serviceOrg.seats });
    closers.push(() => outreach.close());
    const p = await makeProject({ 'mapsync.config.yaml': 'crm: dynamics\nstore: dynamics\n', 'mappings/team.yaml': serviceOrg.yaml(id) });
    closers.push(p.cleanup);
    const env = { ...dv.env(), OUTREACH_ACCESS_TOKEN: OUTREACH_TOKEN, OUTREACH_API_URL: outreach.apiUrl, MAPSYNC_OUTREACH_RETRY_MS: '5' };
    const r = await runCli(['suggest', '--format', 'json'], { cwd: p.dir, env, timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      formatVersion: 1,
      suggestions: serviceOrg.suggestions(id),
      unresolved: [],
    });
    // One token and one read of systemusers: the store's read is the directory's.
    expect(dv.tokenRequests).toHaveLength(1);
    expect(dv.dataRequests({ method: 'GET', pathIncludes: 'systemusers' })).toHaveLength(1);
    expect(dv.log.filter((l) => l.method !== 'GET' && !l.path.includes('/oauth2/'))).toEqual([]);
    expect(outreach.log.filter((l) => l.method !== 'GET')).toEqual([]);
  });

  it('leaves application users (accessmode 4, non-interactive) out of the CRM directory: never a candidate, unknown to plan', async () => {
    const dv = await startFakeDataverse();
    closers.push(() => dv.close());
    dv.addUser({ systemuserid: id(1), fullname: 'Ada Lovelace', internalemailaddress: 'ada@example.com', isdisabled: false, new_outreachuserid: 1 });
    // The integration's own application user, with the address of a shared mailbox that also has an Outreach seat.
    dv.addUser({ systemuserid: id(7), fullname: '# mapsync sync', internalemailaddress: 'crm-sync@example.com', isdisabled: false, accessmode: 4, new_outreachuserid: null });
    const outreach = await startFakeOutreach({
      tokens: [OUTREACH_TOKEN],
      users: [
        { id: 1, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
        { id: 7, firstName: 'CRM', lastName: 'Sync', email: 'crm-sync@example.com' },
      ],
    });
    closers.push(() => outreach.close());
    const team = `mappings:\n  - crmUserId: ${id(1)}\n    outreachUserId: 1\n    name: Ada Lovelace\n`;
    const p = await makeProject({ 'mapsync.config.yaml': 'crm: dynamics\nstore: dynamics\n', 'mappings/team.yaml': team });
    closers.push(p.cleanup);
    const env = { ...dv.env(), OUTREACH_ACCESS_TOKEN: OUTREACH_TOKEN, OUTREACH_API_URL: outreach.apiUrl, MAPSYNC_OUTREACH_RETRY_MS: '5' };
    const suggested = await runCli(['suggest', '--format', 'json'], { cwd: p.dir, env, timeoutMs: 60_000 });
    expect(suggested.code, suggested.stderr).toBe(0);
    // Seat 7's email belongs to no person in the CRM: no add, and nothing doubtful either.
    expect(JSON.parse(suggested.stdout)).toMatchObject({ suggestions: [], unresolved: [] });
    // The one paged read asks for accessmode.
    const reads = dv.dataRequests({ method: 'GET', pathIncludes: 'systemusers' });
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((r) => decodeURIComponent(r.path).includes('accessmode'))).toBe(true);

    // Mapping the application user by hand: plan says the directory does not know it.
    await writeFile(join(p.dir, 'mappings/app.yaml'), `mappings:\n  - crmUserId: ${id(7)}\n    outreachUserId: 7\n`);
    const planned = await runCli(['plan', '--format', 'json'], { cwd: p.dir, env, timeoutMs: 60_000 });
    expect(planned.code).toBe(1);
    const plan = JSON.parse(planned.stdout) as { errors: { code: string; message: string }[] };
    expect(plan.errors.map((e) => e.code)).toEqual(['unknown-crm-user']);
    expect(plan.errors[0]!.message).toContain(id(7));
  });
});
