// Dynamics 365 credentials and endpoints, read only from the environment (never from files).
import { MapsyncError } from '../errors.js';
import { registerSecret } from '../secrets.js';

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_API_VERSION = '9.2';

export interface DynamicsSettings {
  /** The environment's URL without a trailing slash, e.g. https://acme.crm.dynamics.com. */
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Microsoft Entra ID's host; the token endpoint is {host}/{tenant}/oauth2/v2.0/token. */
  authorityHost: string;
  apiVersion: string;
  /** Per-request client timeout. */
  timeoutMs: number;
  /** Further attempts after a transient failure (5xx, dropped connection, timeout). */
  retries: number;
  /** Base of the exponential backoff between those attempts. */
  retryBaseMs: number;
}

const REQUIRED = ['DYNAMICS_URL', 'DYNAMICS_TENANT_ID', 'DYNAMICS_CLIENT_ID', 'DYNAMICS_CLIENT_SECRET'] as const;

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

function checkUrl(raw: string, name: string, example: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MapsyncError(`${name} is not a URL: "${raw}"`, { hint: `for example ${example}` });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new MapsyncError(`${name} must be an http(s) URL, got "${raw}"`, { hint: `for example ${example}` });
  return url.href.replace(/\/+$/, '');
}

/** True when the environment names any Dynamics credential (so the live directory should be used). */
export function hasDynamicsCredentials(env: NodeJS.ProcessEnv): boolean {
  return REQUIRED.some((name) => value(env, name) !== undefined);
}

/** Reads and checks the settings; every missing variable is named in one line. */
export function dynamicsSettingsFromEnv(env: NodeJS.ProcessEnv): DynamicsSettings {
  const missing = REQUIRED.filter((name) => value(env, name) === undefined);
  if (missing.length > 0) {
    throw new MapsyncError(
      `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: the dynamics store signs in to Microsoft Entra ID with an app registration's client credentials`,
      { hint: `export ${missing.map((n) => `${n}=…`).join(' ')} (in CI, from repository secrets and variables)` },
    );
  }
  const clientSecret = value(env, 'DYNAMICS_CLIENT_SECRET')!;
  registerSecret(clientSecret);
  const apiVersion = value(env, 'DYNAMICS_API_VERSION') ?? DEFAULT_API_VERSION;
  if (!/^\d+\.\d+$/.test(apiVersion)) throw new MapsyncError(`DYNAMICS_API_VERSION must look like 9.2, got "${apiVersion}"`);
  return {
    url: checkUrl(value(env, 'DYNAMICS_URL')!, 'DYNAMICS_URL', 'https://acme.crm.dynamics.com'),
    tenantId: value(env, 'DYNAMICS_TENANT_ID')!,
    clientId: value(env, 'DYNAMICS_CLIENT_ID')!,
    clientSecret,
    authorityHost: checkUrl(value(env, 'DYNAMICS_AUTHORITY_HOST') ?? DEFAULT_AUTHORITY_HOST, 'DYNAMICS_AUTHORITY_HOST', DEFAULT_AUTHORITY_HOST),
    apiVersion,
    timeoutMs: intFromEnv(env, 'MAPSYNC_DYNAMICS_TIMEOUT_MS', 120_000),
    retries: intFromEnv(env, 'MAPSYNC_DYNAMICS_RETRIES', 4),
    retryBaseMs: intFromEnv(env, 'MAPSYNC_DYNAMICS_RETRY_MS', 1000),
  };
}
