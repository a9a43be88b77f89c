// Outreach credentials and endpoints, read from the environment — and the newest refresh token
// from OUTREACH_REFRESH_TOKEN_FILE when that file exists (Outreach rotates refresh tokens, so the
// one in a secret is stale after the first run that refreshed; CONTRACT §9).
import { MapsyncError, missingEnv } from '../errors.js';
import type { Ports, SecretKeeper } from '../ports.js';
import { readRefreshTokenFile } from './refreshTokenFile.js';

export const DEFAULT_API_URL = 'https://api.outreach.io/api/v2';
export const DEFAULT_TOKEN_URL = 'https://api.outreach.io/oauth/token';

export interface RefreshCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Outreach asks for the app's redirect URI on refresh too; optional here. */
  redirectUri?: string;
  /** Where a rotated refresh token is kept for the next run. */
  keep: RefreshTokenKeeping;
}

export interface RefreshTokenKeeping {
  /** OUTREACH_REFRESH_TOKEN_FILE. */
  file?: string;
  /** Where else it is kept, beyond this machine (in GitHub Actions: the repository's secret). */
  elsewhere?: SecretKeeper;
}

export interface OutreachSettings {
  /** API base without a trailing slash, e.g. https://api.outreach.io/api/v2. */
  apiUrl: string;
  tokenUrl: string;
  /** May be absent when refresh credentials are given: the first request then fetches one. */
  accessToken?: string;
  refresh?: RefreshCredentials;
}

const REFRESH_VARS = ['OUTREACH_CLIENT_ID', 'OUTREACH_CLIENT_SECRET', 'OUTREACH_REFRESH_TOKEN'] as const;

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function checkUrl(raw: string, name: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MapsyncError(`${name} is not a URL: "${raw}"`, { hint: `for example ${name === 'OUTREACH_API_URL' ? DEFAULT_API_URL : DEFAULT_TOKEN_URL}` });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new MapsyncError(`${name} must be an http(s) URL, got "${raw}"`);
  return url.href.replace(/\/+$/, '');
}

/** True when the environment names any Outreach credential (so a directory should be used). */
export function hasOutreachCredentials(env: NodeJS.ProcessEnv): boolean {
  return value(env, 'OUTREACH_ACCESS_TOKEN') !== undefined || REFRESH_VARS.some((n) => value(env, n) !== undefined);
}

/**
 * The environment with the refresh token from OUTREACH_REFRESH_TOKEN_FILE in place of
 * OUTREACH_REFRESH_TOKEN, when the file holds one: it is newer than any secret.
 */
function withTokenFile(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const file = value(env, 'OUTREACH_REFRESH_TOKEN_FILE');
  const fromFile = file === undefined ? undefined : readRefreshTokenFile(file);
  return fromFile === undefined ? env : { ...env, OUTREACH_REFRESH_TOKEN: fromFile };
}

/**
 * Reads and checks the settings; a missing variable is one line naming it. `ports` says where a
 * rotated refresh token can be kept beyond this machine (the command layer passes it in).
 */
export function outreachSettingsFromEnv(given: NodeJS.ProcessEnv, ports?: Ports): OutreachSettings {
  const env = withTokenFile(given);
  const accessToken = value(env, 'OUTREACH_ACCESS_TOKEN');
  const present = REFRESH_VARS.filter((n) => value(env, n) !== undefined);
  let refresh: RefreshCredentials | undefined;
  if (present.length > 0 && present.length < REFRESH_VARS.length) {
    const missing = REFRESH_VARS.filter((n) => !present.includes(n));
    const file = value(env, 'OUTREACH_REFRESH_TOKEN_FILE');
    // The file holds a token only after a run has refreshed: the first run starts from the variable.
    const noFileYet = file !== undefined && missing.includes('OUTREACH_REFRESH_TOKEN') ? ` (OUTREACH_REFRESH_TOKEN_FILE ${file} does not exist yet or is empty)` : '';
    throw new MapsyncError(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set${noFileYet}: OAuth refresh needs ${REFRESH_VARS.join(', ')} together`, {
      hint: `export ${missing.map((n) => `${n}=…`).join(' ')} (in CI, from repository secrets), or unset ${present.join(', ')}`,
    });
  }
  if (present.length === REFRESH_VARS.length) {
    refresh = {
      clientId: value(env, 'OUTREACH_CLIENT_ID')!,
      clientSecret: value(env, 'OUTREACH_CLIENT_SECRET')!,
      refreshToken: value(env, 'OUTREACH_REFRESH_TOKEN')!,
      redirectUri: value(env, 'OUTREACH_REDIRECT_URI'),
      keep: { file: value(env, 'OUTREACH_REFRESH_TOKEN_FILE'), elsewhere: ports?.secretKeeper?.() },
    };
  }
  if (!accessToken && !refresh) {
    throw missingEnv('OUTREACH_ACCESS_TOKEN', `the outreach store needs an Outreach OAuth access token (or ${REFRESH_VARS.join(', ')} to obtain one)`);
  }
  return {
    apiUrl: checkUrl(value(env, 'OUTREACH_API_URL') ?? DEFAULT_API_URL, 'OUTREACH_API_URL'),
    tokenUrl: checkUrl(value(env, 'OUTREACH_TOKEN_URL') ?? DEFAULT_TOKEN_URL, 'OUTREACH_TOKEN_URL'),
    accessToken,
    refresh,
  };
}
