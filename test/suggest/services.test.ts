// suggest fed by the real services' directories, through the Salesforce and Outreach fakes: every
// Salesforce User (active and inactive) in one SOQL query followed through its batches, and the
// Outreach user list read once per run even when the outreach store reads it too.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';
import { startFakeSalesforce, type FakeSalesforce } from '../fakes/salesforceServer.js';
import { startFakeOutreach, type FakeOutreach } from '../fakes/outreachServer.js';
import { id, serviceOrg } from './org.js';

const SF_TOKEN = 'fake-access-token-00DAbC!xyz987';
const OUTREACH_TOKEN = 'outreach-token-for-suggest-tests';
let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers) await c();
  closers = [];
});

async function services(): Promise<{ sf: FakeSalesforce; outreach: FakeOutreach; env: Record<string, string>; dir: string }> {
  // batchSize 2: the User query needs nextRecordsUrl to reach everyone.
  const sf = await startFakeSalesforce({ tokens: [SF_TOKEN], customFields: ['Outreach_User_Id__c'], batchSize: 2 });
  closers.push(() => sf.close());
  for (const u of serviceOrg.people) sf.addUser({ Id: id(u.n), Name: u.name, Email: u.email, IsActive: u.active, Outreach_User_Id__c: u.mapped });
  // The seats mapped in Outreach carry their CRM user in custom1 (the outreach store reads it).
  const outreach = await startFakeOutreach({ tokens: [OUTREACH_TOKEN], users: serviceOrg.seats.map((s) => (s.id <= 3 ? { ...s, custom1: id(s.id) } : s)) });
  closers.push(() => outreach.close());
  const p = await makeProject({ 'mappings/team.yaml': serviceOrg.yaml(id) });
  closers.push(p.cleanup);
  const env = { SF_INSTANCE_URL: sf.url, SF_ACCESS_TOKEN: SF_TOKEN, MAPSYNC_SALESFORCE_RETRY_MS: '5', OUTREACH_ACCESS_TOKEN: OUTREACH_TOKEN, OUTREACH_API_URL: outreach.apiUrl, MAPSYNC_OUTREACH_RETRY_MS: '5' };
  return { sf, outreach, env, dir: p.dir };
}

const expected = serviceOrg.suggestions(id);

describe('suggest with Salesforce and Outreach directories', () => {
  it('store salesforce: every User through one paged SOQL query (active and inactive), Outreach users from the Outreach API', async () => {
    const { sf, outreach, env, dir } = await services();
    const r = await runCli(['suggest', '--store', 'salesforce', '--format', 'json'], { cwd: dir, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ formatVersion: 1, suggestions: expected, unresolved: [] });
    const queries = sf.log.filter((l) => l.method === 'GET' && /\/query/.test(l.path));
    // The directory's query has no WHERE (inactive users too) and is followed through 3 batches of 2.
    const firstBatches = queries.filter((l) => l.path.includes('?q='));
    expect(firstBatches.map((l) => decodeURIComponent(l.path.split('?q=')[1]!).replace(/\+/g, ' '))).toContain('SELECT Id, Name, Email, IsActive FROM User');
    expect(queries.filter((l) => /\/query\/[^?]/.test(l.path)).length).toBeGreaterThanOrEqual(2);
    // Outreach: one read of the user list (one page), nothing written anywhere.
    expect(outreach.log.filter((l) => l.method === 'GET' && l.path === '/users')).toHaveLength(1);
    expect(outreach.log.filter((l) => l.method !== 'GET')).toEqual([]);
    expect(sf.log.filter((l) => l.method !== 'GET')).toEqual([]);
  });

  it('store outreach: --write makes the edits, and the Outreach user list is read once for the store and the directory', async () => {
    const { sf, outreach, env, dir } = await services();
    const r = await runCli(['suggest', '--store', 'outreach', '--write'], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 suggestions, 0 unresolved; wrote 3 to mappings/suggested.yaml, mappings/team.yaml.');
    expect(outreach.log.filter((l) => l.method === 'GET' && l.path === '/users')).toHaveLength(1);
    expect(outreach.log.filter((l) => l.method !== 'GET')).toEqual([]);
    expect(sf.log.filter((l) => l.method !== 'GET')).toEqual([]);
    const team = await readFile(join(dir, 'mappings/team.yaml'), 'utf8');
    expect(team).toContain(`crmUserId: ${id(4)}`);
    expect(team).not.toContain(id(3));
    expect((await runCli(['validate'], { cwd: dir })).code).toBe(0);
    const again = await runCli(['suggest', '--store', 'outreach', '--format', 'json'], { cwd: dir, env });
    expect(JSON.parse(again.stdout).suggestions).toEqual([]);
  });
});
