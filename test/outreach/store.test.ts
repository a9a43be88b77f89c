// The outreach store and directory, compiled (dist/), over real HTTP against the fake API.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOutreachStore, WRITE_CONCURRENCY } from '../../dist/stores/outreachStore.js';
import { outreachDirectoryFromEnv } from '../../dist/directories/outreachDirectory.js';
import { DEFAULT_CONFIG } from '../../dist/config.js';
import { redact } from '../../dist/secrets.js';
import { checksumSuffix } from '../../dist/crm/salesforceId.js';
import { startFakeOutreach, type FakeOutreach, type FakeOutreachOptions } from '../fakes/outreachServer.js';
import { captureLog, crmId, makeUsers } from './helpers.js';

const TOKEN = 'test-outreach-token-0001';
let fakes: FakeOutreach[] = [];
let dirs: string[] = [];

afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  fakes = [];
  dirs = [];
});

async function setup(options: FakeOutreachOptions & { env?: Record<string, string>; field?: string } = {}) {
  const fake = await startFakeOutreach({ tokens: [TOKEN], ...options });
  fakes.push(fake);
  const stateDir = await mkdtemp(join(tmpdir(), 'mapsync-outreach-'));
  dirs.push(stateDir);
  const captured = captureLog();
  const context = {
    config: { ...structuredClone(DEFAULT_CONFIG), stateDir, outreach: { field: options.field ?? 'custom1' } },
    env: { OUTREACH_ACCESS_TOKEN: TOKEN, OUTREACH_API_URL: fake.apiUrl, OUTREACH_TOKEN_URL: fake.tokenUrl, ...options.env },
    log: captured.log,
  };
  const store = await createOutreachStore(undefined, context);
  return { fake, store, context, captured };
}

const add = (crm: string, outreach: number) => ({ action: 'add' as const, crmUserId: crm, outreachUserId: outreach, file: 'mappings/a.yaml', line: 3 });
const remove = (crm: string, outreach: number) => ({ action: 'remove' as const, crmUserId: crm, outreachUserId: outreach });

function hooksRecorder() {
  const results: { ok: boolean; error?: string; change: { outreachUserId: number; action: string } }[] = [];
  const progress: { done: number; total: number; waitingMs?: number; reason?: string }[] = [];
  return { results, progress, hooks: { onResult: (r: (typeof results)[number]) => void results.push(r), onProgress: (p: (typeof progress)[number]) => void progress.push(p) } };
}

describe('reading users', () => {
  it('pages 1,000 at a time through links.next with sparse fields, and shares one read between store and directory', async () => {
    const id15 = '005A0000000000Q'; // stored in its 15-character form
    const { fake, store, context } = await setup({
      users: makeUsers(2500, (id) => (id === 1 ? crmId(1) : id === 2 ? id15 : id === 3 ? 'not-an-id' : id === 4 ? '001A00000000001' : null)),
    });
    const live = await store.list();
    expect(live.mappings).toEqual([
      { crmUserId: crmId(1), outreachUserId: 1, outreachUserName: 'First1 Last1' },
      { crmUserId: id15 + checksumSuffix(id15), outreachUserId: 2, outreachUserName: 'First2 Last2' },
    ]);
    expect(live.warnings.map((w) => [w.code, w.outreachUserId])).toEqual([
      ['live-invalid-value', 3],
      ['live-invalid-value', 4],
    ]);
    expect(live.warnings[0]!.message).toContain('custom1 = "not-an-id"');
    expect(live.warnings[1]!.message).toContain('start with 005');

    const directory = await outreachDirectoryFromEnv(context);
    const found = await directory!.findUsers([1, 2000, 99999]);
    expect([...found.keys()].sort()).toEqual([1, 2000]);
    expect(found.get(2000)).toEqual({ id: 2000, name: 'First2000 Last2000', email: 'user2000@example.com', locked: false });

    // ceil(2500 / 1000) = 3 requests, for the store and the directory together.
    expect(fake.log.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/users', 200],
      ['GET', '/users', 200],
      ['GET', '/users', 200],
    ]);
    for (const request of fake.log) {
      expect(request.query['page[size]']).toBe('1000');
      expect(request.query['fields[user]']).toBe('firstName,lastName,email,locked,custom1');
      expect(request.authorization).toBe(`Bearer ${TOKEN}`);
    }
    expect(fake.log[0]!.query['page[after]']).toBeUndefined();
    expect(fake.log[1]!.query['page[after]']).toBeDefined();
  });

  it('reports locked users through the directory and reads the configured field', async () => {
    const users = makeUsers(3);
    users[1]!.locked = true;
    users[2]!.custom3 = crmId(7);
    const { fake, store, context } = await setup({ users, field: 'custom3' });
    expect((await store.list()).mappings).toEqual([{ crmUserId: crmId(7), outreachUserId: 3, outreachUserName: 'First3 Last3' }]);
    const found = await (await outreachDirectoryFromEnv(context))!.findUsers([2]);
    expect(found.get(2)?.locked).toBe(true);
    expect(fake.log[0]!.query['fields[user]']).toBe('firstName,lastName,email,locked,custom3');
  });

  it('has no directory without Outreach credentials', async () => {
    const context = { config: structuredClone(DEFAULT_CONFIG), env: {}, log: captureLog().log };
    expect(await outreachDirectoryFromEnv(context)).toBeUndefined();
  });

  it('names the missing variables', async () => {
    const log = captureLog().log;
    await expect(createOutreachStore(undefined, { config: structuredClone(DEFAULT_CONFIG), env: {}, log })).rejects.toThrow(/^OUTREACH_ACCESS_TOKEN is not set/);
    await expect(createOutreachStore(undefined, { config: structuredClone(DEFAULT_CONFIG), env: { OUTREACH_CLIENT_ID: 'abc' }, log })).rejects.toThrow(
      /^OUTREACH_CLIENT_SECRET, OUTREACH_REFRESH_TOKEN are not set/,
    );
  });

  it('waits out a 429 during pagination: the next request arrives no earlier than Retry-After allows', async () => {
    const { fake, store, captured } = await setup({ users: makeUsers(3500), faults: [] });
    fake.faults.push({ method: 'GET', path: '/users', status: 429, retryAfter: 1, fromRequest: 2 });
    const live = await store.list();
    expect(live.mappings).toEqual([]);
    const throttled = fake.log.findIndex((r) => r.status === 429);
    expect(throttled).toBe(1);
    const next = fake.log[throttled + 1]!;
    expect(next.at).toBeGreaterThanOrEqual(fake.log[throttled]!.at + 1000);
    expect(fake.log.filter((r) => r.early)).toEqual([]);
    expect(fake.log.filter((r) => r.status === 200)).toHaveLength(4);
    expect(captured.lines).toContain('rate limited by Outreach, waiting 1s');
  });

  it('never follows links.next to another host with the token', async () => {
    const { fake, store } = await setup({ users: makeUsers(1500), linkOrigin: 'http://127.0.0.2:9' });
    await expect(store.list()).rejects.toThrow('Outreach returned a link to another host (http://127.0.0.2:9); refusing to send the token there');
    expect(fake.log).toHaveLength(1);
  });

  it('turns JSON:API errors into one line', async () => {
    const { fake, store } = await setup({ users: makeUsers(2) });
    fake.faults.push({ method: 'GET', path: '/users', status: 403, times: 1 });
    await expect(store.list()).rejects.toThrow('Outreach GET /users failed: 403 Error: injected 403 (serverError)');
  });
});

describe('writing mappings', () => {
  it('clears first, merges a remove and an add on one user into one PATCH, and reports every change in order', async () => {
    const users = makeUsers(6, (id) => (id === 1 ? crmId(1) : id === 2 ? crmId(2) : null));
    const { fake, store } = await setup({ users });
    const changes = [remove(crmId(1), 1), remove(crmId(2), 2), add(crmId(1), 3), add(crmId(9), 2), add(crmId(5), 5)];
    const { hooks, results } = hooksRecorder();
    const returned = await store.apply(changes, hooks);
    expect(returned.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, true, true, true]);
    expect(returned.map((r: { change: unknown }) => r.change)).toEqual(changes);
    expect(results).toHaveLength(5);
    const patches = fake.log.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(4); // user 2: remove + add in one write
    expect(patches[0]).toMatchObject({ path: '/users/1', body: { data: { type: 'user', id: 1, attributes: { custom1: null } } } });
    expect(patches.slice(1).map((p) => p.path).sort()).toEqual(['/users/2', '/users/3', '/users/5']);
    expect(fake.users.get(1)!.custom1).toBeNull();
    expect(fake.users.get(2)!.custom1).toBe(crmId(9));
    expect(fake.users.get(3)!.custom1).toBe(crmId(1));
    // The cache was dropped: a fresh list shows the new state.
    expect((await store.list()).mappings.map((m: { outreachUserId: number }) => m.outreachUserId)).toEqual([2, 3, 5]);
  });

  it('reports a rejected write (422, 404) on its own change and carries on with the rest', async () => {
    const { fake, store } = await setup({ users: makeUsers(3), field: 'email' });
    const { hooks } = hooksRecorder();
    const results = await store.apply([add(crmId(1), 1), add(crmId(2), 2)], hooks);
    expect(results.map((r: { ok: boolean }) => r.ok)).toEqual([false, false]);
    expect(results[0].error).toBe('Outreach PATCH /users/1 failed: 422 Validation Error: email is read-only (validationError)');

    const second = await setup({ users: makeUsers(3) });
    const mixed = await second.store.apply([add(crmId(1), 1), add(crmId(2), 404), add(crmId(3), 3)], hooksRecorder().hooks);
    expect(mixed.map((r: { ok: boolean }) => r.ok)).toEqual([true, false, true]);
    expect(mixed[1].error).toContain("404 Resource Not Found: Could not find 'user' with ID '404'.");
    expect(second.fake.users.get(3)!.custom1).toBe(crmId(3));
    expect(fake.log.every((r) => r.status !== 415)).toBe(true);
  });

  it('retries 5xx with backoff and gives up after a bounded number of attempts', async () => {
    const { fake, store } = await setup({ users: makeUsers(3) });
    fake.faults.push({ method: 'PATCH', path: '/users/1', status: 503, times: 2 }, { method: 'PATCH', path: '/users/2', status: 500, times: 100 });
    const results = await store.apply([add(crmId(1), 1), add(crmId(2), 2)], hooksRecorder().hooks);
    expect(results[0].ok).toBe(true);
    expect(results[1]).toMatchObject({ ok: false, error: 'Outreach PATCH /users/2 failed: 500 Internal Server Error: injected 500 (serverError)' });
    expect(fake.log.filter((r) => r.path === '/users/1').map((r) => r.status)).toEqual([503, 503, 200]);
    expect(fake.log.filter((r) => r.path === '/users/2')).toHaveLength(5); // 1 + 4 retries
  });

  it('refreshes an expired token in the middle of an apply, once, and keeps the new token secret', async () => {
    const client = { id: 'client-id-1', secret: 'client-secret-1', refreshToken: 'refresh-token-original' };
    const { fake, store, captured } = await setup({
      users: makeUsers(20),
      client,
      env: { OUTREACH_CLIENT_ID: client.id, OUTREACH_CLIENT_SECRET: client.secret, OUTREACH_REFRESH_TOKEN: client.refreshToken },
    });
    fake.expireTokensAfter = 5;
    const changes = Array.from({ length: 20 }, (_, i) => add(crmId(i + 1), i + 1));
    const results = await store.apply(changes, hooksRecorder().hooks);
    expect(results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.tokenRequests[0]!.form).toMatchObject({ grant_type: 'refresh_token', client_id: client.id, refresh_token: client.refreshToken });
    const newToken = [...fake.validTokens][0]!;
    expect(fake.log.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(fake.log.filter((r) => r.authorization === `Bearer ${newToken}` && r.status === 200).length).toBeGreaterThan(0);
    expect(redact(`token ${newToken}`, {})).toBe('token ***');
    expect(captured.lines.join('\n')).not.toContain(newToken);
    for (let i = 1; i <= 20; i++) expect(fake.users.get(i)!.custom1).toBe(crmId(i));
  });

  it('stops with one clear error when the token is rejected and cannot be refreshed', async () => {
    const { fake, store } = await setup({ users: makeUsers(3) });
    fake.expireAllTokens();
    await expect(store.apply([add(crmId(1), 1)], hooksRecorder().hooks)).rejects.toThrow('Outreach rejected the access token (401 Unauthorized: The access token is invalid or has expired (unauthorized))');
  });

  it('starts from refresh credentials alone, and explains a refused refresh in one line', async () => {
    const client = { id: 'client-id-2', secret: 'client-secret-2', refreshToken: 'refresh-token-2' };
    const creds = { OUTREACH_ACCESS_TOKEN: '', OUTREACH_CLIENT_ID: client.id, OUTREACH_CLIENT_SECRET: client.secret, OUTREACH_REFRESH_TOKEN: client.refreshToken };
    const { fake, store } = await setup({ users: makeUsers(2, (id) => crmId(id)), client, env: creds });
    expect((await store.list()).mappings).toHaveLength(2);
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.log[0]!.authorization).toBe(`Bearer ${[...fake.validTokens].find((t) => t !== TOKEN)}`);

    const revoked = await setup({ users: makeUsers(1), client: { ...client, refreshToken: 'a-different-one' }, env: creds });
    await expect(revoked.store.list()).rejects.toThrow('Outreach refused to refresh the access token (invalid_grant: The provided authorization grant is invalid, expired, revoked)');
    expect(revoked.fake.log).toEqual([]);
  });

  it('keeps within the X-RateLimit quota across concurrent writers: no request arrives over quota', async () => {
    const { fake, store, captured } = await setup({ users: makeUsers(12), quota: { limit: 5, windowMs: 1000 } });
    const { hooks, progress } = hooksRecorder();
    const results = await store.apply(Array.from({ length: 12 }, (_, i) => add(crmId(i + 1), i + 1)), hooks);
    expect(results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    expect(fake.log.filter((r) => r.early)).toEqual([]);
    expect(fake.log.every((r) => r.status === 200)).toBe(true);
    expect(progress.some((p) => (p.waitingMs ?? 0) > 0 && p.reason === 'Outreach request limit for this window reached')).toBe(true);
    // The apply's progress display reports the wait, so the log stays quiet meanwhile.
    expect(captured.lines.filter((l) => l.includes('waiting'))).toEqual([]);
  });

  it('reads a comma-separated X-RateLimit-Remaining (several windows): the smallest is the budget, no request over quota', async () => {
    const { fake, store } = await setup({ users: makeUsers(12), quota: { limit: 5, windowMs: 1000 }, severalWindows: true });
    const { hooks, progress } = hooksRecorder();
    const results = await store.apply(Array.from({ length: 12 }, (_, i) => add(crmId(i + 1), i + 1)), hooks);
    expect(results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    expect(fake.log.filter((r) => r.early)).toEqual([]);
    expect(fake.log.every((r) => r.status === 200)).toBe(true);
    expect(progress.some((p) => (p.waitingMs ?? 0) > 0)).toBe(true);
  });

  it('holds every writer through a 429 window: a throttled write is retried only after Retry-After', async () => {
    const { fake, store } = await setup({ users: makeUsers(16) });
    fake.faults.push({ method: 'PATCH', status: 429, retryAfter: 1, fromRequest: 5 });
    const { hooks, progress } = hooksRecorder();
    const results = await store.apply(Array.from({ length: 16 }, (_, i) => add(crmId(i + 1), i + 1)), hooks);
    expect(results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    const throttled = fake.log.find((r) => r.status === 429 && !r.early)!;
    const windowEnd = throttled.at + 1000;
    // Only requests sent before the client had read the 429 may arrive inside the window: each
    // other writer's request in flight, and (on a busy machine, where the 429 is read a little
    // later) one more each whose 200 came first. A store that did not hold its writers would send
    // the remaining writes inside the window.
    const inWindow = fake.log.filter((r) => r.at >= throttled.at && r.at < windowEnd && r !== throttled);
    expect(inWindow.length).toBeLessThanOrEqual(2 * (WRITE_CONCURRENCY - 1));
    expect(inWindow.every((r) => r.status === 429)).toBe(true);
    for (const refused of [throttled, ...inWindow]) {
      const retry = fake.log.find((r) => r.path === refused.path && r.at > refused.at && r.status === 200)!;
      expect(retry.at).toBeGreaterThanOrEqual(windowEnd);
    }
    expect(progress.find((p) => p.reason === 'rate limited by Outreach')?.waitingMs).toBeGreaterThan(0);
  });

  it('takes a local lock so two applies cannot interleave', async () => {
    const { store, context } = await setup({ users: makeUsers(1) });
    const release = await store.lock();
    const other = await createOutreachStore(undefined, context);
    await expect(other.lock()).rejects.toThrow(/another mapsync apply against Outreach is running/);
    await release();
    const again = await other.lock();
    await again();
  });
});
