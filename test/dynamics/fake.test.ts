// The fake Dataverse server behaves as PLATFORM-FACTS documents, checked through the real
// dynamics-web-api over HTTP — so the store's tests rest on the service's behaviour, not on the fake's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamicsWebApi } from 'dynamics-web-api';
import { startFakeDataverse, systemUserId, type FakeDataverse } from '../fakes/dataverseServer.js';

let dv: FakeDataverse;
let token: string;

async function getToken(form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${dv.url}/${form.tenant ?? dv.tenant}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const client = (accessToken = token) => new DynamicsWebApi({ serverUrl: dv.url, dataApi: { version: '9.2' }, onTokenRefresh: async () => accessToken });

async function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const response = await fetch(`${dv.url}/api/data/v9.2/${path}`, { method, headers: { authorization: `Bearer ${token}`, ...headers }, body });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

beforeAll(async () => {
  dv = await startFakeDataverse();
  for (let n = 1; n <= 12; n++) dv.addUser({ systemuserid: systemUserId(n), fullname: `User ${n}`, internalemailaddress: `u${n}@example.com`, isdisabled: n === 4, new_outreachuserid: n <= 3 ? 100 + n : null });
  const answer = await getToken({ grant_type: 'client_credentials', client_id: dv.clientId, client_secret: dv.clientSecret, scope: `${dv.url}/.default` });
  token = String(answer.body.access_token);
});
afterAll(() => dv.close());

describe('Entra token endpoint', () => {
  it('issues a bearer token for client credentials with the org scope', async () => {
    const answer = await getToken({ grant_type: 'client_credentials', client_id: dv.clientId, client_secret: dv.clientSecret, scope: `${dv.url}/.default` });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
  });

  it('refuses a wrong secret (401 invalid_client, AADSTS7000215), a wrong scope and an unknown tenant', async () => {
    const secret = await getToken({ grant_type: 'client_credentials', client_id: dv.clientId, client_secret: 'nope', scope: `${dv.url}/.default` });
    expect(secret.status).toBe(401);
    expect(secret.body.error).toBe('invalid_client');
    expect(String(secret.body.error_description)).toMatch(/^AADSTS7000215: /);
    const scope = await getToken({ grant_type: 'client_credentials', client_id: dv.clientId, client_secret: dv.clientSecret, scope: dv.url });
    expect([scope.status, scope.body.error]).toEqual([400, 'invalid_scope']);
    const tenant = await getToken({ tenant: 'contoso-wrong', grant_type: 'client_credentials', client_id: dv.clientId, client_secret: dv.clientSecret, scope: `${dv.url}/.default` });
    expect([tenant.status, String(tenant.body.error_description).slice(0, 12)]).toEqual([400, 'AADSTS90002:']);
  });
});

describe('systemusers paging', () => {
  it('honours odata.maxpagesize, echoes Preference-Applied and links the next page', async () => {
    const first = await raw('GET', 'systemusers?$select=systemuserid,fullname', { prefer: 'odata.maxpagesize=5' });
    expect(first.status).toBe(200);
    expect(first.headers.get('preference-applied')).toBe('odata.maxpagesize=5');
    const body = JSON.parse(first.text) as { value: unknown[]; '@odata.nextLink'?: string };
    expect(body.value).toHaveLength(5);
    expect(body['@odata.nextLink']).toMatch(/\$skiptoken=/);
    expect(body['@odata.nextLink']).not.toMatch(/\$skip=/);
  });

  it('caps the page at 5,000 and refuses $skip', async () => {
    const capped = await raw('GET', 'systemusers?$select=systemuserid', { prefer: 'odata.maxpagesize=9000' });
    expect(capped.headers.get('preference-applied')).toBe('odata.maxpagesize=5000');
    const skip = await raw('GET', 'systemusers?$select=systemuserid&$skip=5');
    expect(skip.status).toBe(400);
    expect(JSON.parse(skip.text)).toMatchObject({ error: { code: expect.stringMatching(/^0x/), message: expect.any(String) } });
  });

  it('is read to the end by dynamics-web-api following @odata.nextLink', async () => {
    const all = await client().retrieveAll({ collection: 'systemusers', select: ['systemuserid', 'isdisabled', 'new_outreachuserid'], maxPageSize: 5 });
    expect(all.value.map((u: { systemuserid: string }) => u.systemuserid)).toEqual(Array.from({ length: 12 }, (_, i) => systemUserId(i + 1)));
    expect(dv.dataRequests({ method: 'GET' }).slice(-3).every((r) => r.prefer === 'odata.maxpagesize=5')).toBe(true);
  });

  it('answers an unknown column with a Dataverse error body', async () => {
    const answer = await raw('GET', 'systemusers?$select=systemuserid,new_nosuchcolumn');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.message).toContain("new_nosuchcolumn");
  });
});

describe('updates and $batch', () => {
  it('PATCH systemusers(<guid>) answers 204 and is recorded', async () => {
    const before = dv.columnChanges.length;
    const answer = await raw('PATCH', `systemusers(${systemUserId(5)})`, { 'content-type': 'application/json', 'if-match': '*' }, JSON.stringify({ new_outreachuserid: 205 }));
    expect(answer.status).toBe(204);
    expect(dv.columnChanges.slice(before)).toEqual([{ id: systemUserId(5), column: 'new_outreachuserid', before: null, after: 205 }]);
    const missing = await raw('PATCH', `systemusers(00000000-0000-4000-8000-000000000000)`, { 'content-type': 'application/json', 'if-match': '*' }, '{"new_outreachuserid":1}');
    expect(missing.status).toBe(404);
  });

  it('answers every independent operation in order with continue-on-error, failures included', async () => {
    dv.writeFailures.set(systemUserId(7), { status: 400, code: '0x80040265', message: 'blocked by a plug-in', times: 1 });
    const api = client();
    api.startBatch();
    for (const n of [6, 7, 8]) void api.update({ collection: 'systemusers', key: systemUserId(n), data: { new_outreachuserid: 300 + n }, inChangeSet: false });
    const answers = await api.executeBatch({ continueOnError: true, inChangeSet: false });
    expect(answers).toHaveLength(3);
    expect(answers[0]).toBe(true);
    expect(answers[1]).toBeInstanceOf(Error);
    expect((answers[1] as { status: number }).status).toBe(400);
    expect(answers[2]).toBe(true);
    expect(dv.users.get(systemUserId(8))!.new_outreachuserid).toBe(308);
    expect(dv.log.at(-1)!.prefer).toBe('odata.continue-on-error');
  });

  it('stops at the first failure without continue-on-error', async () => {
    dv.writeFailures.set(systemUserId(9), { status: 400, code: '0x80040265', message: 'blocked', times: 1 });
    const api = client();
    api.startBatch();
    for (const n of [9, 10]) void api.update({ collection: 'systemusers', key: systemUserId(n), data: { new_outreachuserid: 400 + n }, inChangeSet: false });
    const answers = await api.executeBatch({ inChangeSet: false });
    expect(answers).toHaveLength(1);
    expect(dv.users.get(systemUserId(10))!.new_outreachuserid).toBeNull();
  });

  it('rolls a change set back when one of its operations fails', async () => {
    dv.writeFailures.set(systemUserId(12), { status: 400, code: '0x80040265', message: 'blocked', times: 1 });
    const api = client();
    api.startBatch();
    for (const n of [11, 12]) void api.update({ collection: 'systemusers', key: systemUserId(n), data: { new_outreachuserid: 500 + n } });
    await expect(api.executeBatch()).resolves.toHaveLength(1);
    expect(dv.users.get(systemUserId(11))!.new_outreachuserid).toBeNull();
    api.startBatch();
    for (const n of [11, 12]) void api.update({ collection: 'systemusers', key: systemUserId(n), data: { new_outreachuserid: 500 + n } });
    await expect(api.executeBatch()).resolves.toEqual([true, true]);
    expect(dv.users.get(systemUserId(12))!.new_outreachuserid).toBe(512);
  });

  it('refuses a batch of more than 1,000 operations', async () => {
    const api = client();
    api.startBatch();
    for (let i = 0; i < 1001; i++) void api.update({ collection: 'systemusers', key: systemUserId(1), data: { new_outreachuserid: 101 }, inChangeSet: false });
    await expect(api.executeBatch({ continueOnError: true, inChangeSet: false })).rejects.toMatchObject({ status: 400 });
  });
});

describe('limits and tokens', () => {
  it('401 for an expired token, with no body', async () => {
    const stale = token;
    dv.expireTokens();
    const answer = await raw('GET', 'systemusers?$select=systemuserid');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer authorization_uri=/);
    await expect(client(stale).retrieveMultiple({ collection: 'systemusers', select: ['systemuserid'] })).rejects.toMatchObject({ status: 401 });
    token = String((await getToken({ grant_type: 'client_credentials', client_id: dv.clientId, client_secret: dv.clientSecret, scope: `${dv.url}/.default` })).body.access_token);
  });

  it('429 with Retry-After in seconds while throttled, and counts requests sent before it passed', async () => {
    dv.throttle(2);
    const first = await raw('GET', 'systemusers?$select=systemuserid');
    expect(first.status).toBe(429);
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(first.text).error.code).toBe('0x80072322');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await raw('GET', 'systemusers?$select=systemuserid');
    expect(dv.earlyRequests).toHaveLength(1);
  });
});
