// The OAuth token endpoint of a Salesforce login URL, for the JWT bearer and client-credentials
// flows: one form POST, answered with an access token and the instance URL to use it on, or a
// 400 with Salesforce's own `error_description`, which is what the admin needs to see.
import { MapsyncError } from '../errors.js';
import { registerSecret } from '../secrets.js';
import type { SalesforceCredentials } from './credentials.js';
import { signAssertion } from './jwt.js';

export interface SalesforceSessionToken {
  accessToken: string;
  instanceUrl: string;
}

type OAuthCredentials = Extract<SalesforceCredentials, { kind: 'jwt' | 'client-credentials' }>;

function form(credentials: OAuthCredentials): URLSearchParams {
  if (credentials.kind === 'jwt') {
    const assertion = signAssertion({ clientId: credentials.clientId, username: credentials.username, audience: credentials.audience }, credentials.key.key);
    return new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
  }
  return new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret });
}

/** What to check, by the flow and Salesforce's error code. */
function hintFor(credentials: OAuthCredentials, error: string): string {
  if (error === 'invalid_client_id' || error === 'invalid_client') {
    return credentials.kind === 'jwt'
      ? "check SF_CLIENT_ID (the connected app's consumer key); a new connected app can take up to 10 minutes to work"
      : "check SF_CLIENT_ID and SF_CLIENT_SECRET (the connected app's consumer key and secret), and that client credentials are enabled on the app";
  }
  if (credentials.kind === 'jwt') {
    return 'check that the connected app holds the certificate of this key, that SF_USERNAME is pre-authorized ("Admin approved users are pre-authorized" + its profile or permission set), and SF_LOGIN_URL (sandbox: https://test.salesforce.com); see README, "salesforce store"';
  }
  return 'check that the connected app enables the client credentials flow with a "Run As" user, and that SF_LOGIN_URL is your My Domain URL (client credentials do not work on login.salesforce.com)';
}

/** Logs in once through the token endpoint; every failure is one MapsyncError line. */
export async function requestSessionToken(credentials: OAuthCredentials, timeoutMs: number): Promise<SalesforceSessionToken> {
  const flow = credentials.kind === 'jwt' ? `the JWT bearer login of ${credentials.username}` : 'the client-credentials login';
  const endpoint = `${credentials.loginUrl}/services/oauth2/token`;
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form(credentials).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new MapsyncError(`cannot reach Salesforce to log in at ${credentials.loginUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { hint: 'check SF_LOGIN_URL' });
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON (an HTML error page, a proxy): reported by status below.
  }
  const accessToken = typeof body.access_token === 'string' ? body.access_token : '';
  // Register before anything else can print it.
  registerSecret(accessToken);
  if (!response.ok || !accessToken) {
    const error = typeof body.error === 'string' ? body.error : '';
    const description = typeof body.error_description === 'string' ? body.error_description : '';
    const why = description ? `${description}${error ? ` (${error})` : ''}` : error || `HTTP ${response.status}`;
    throw new MapsyncError(`Salesforce refused ${flow} at ${credentials.loginUrl}: ${why}`, { hint: hintFor(credentials, error) });
  }
  const instanceUrl = typeof body.instance_url === 'string' ? body.instance_url.replace(/\/+$/, '') : '';
  if (!/^https?:\/\//.test(instanceUrl)) throw new MapsyncError(`Salesforce answered ${flow} without an instance_url`, { hint: 'check SF_LOGIN_URL: it must be a Salesforce login or My Domain URL' });
  return { accessToken, instanceUrl };
}
