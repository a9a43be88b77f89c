// Which Salesforce credentials the environment holds. Two ways in: a ready access token for an
// instance (CI with a connected app), or a username/password SOAP login (which can log in again
// when the session expires). Values are never printed: src/secrets.ts redacts the SF_* names.
import { MapsyncError, missingEnv } from '../errors.js';

export const DEFAULT_API_VERSION = '62.0';

export type SalesforceCredentials =
  | { kind: 'token'; instanceUrl: string; accessToken: string; apiVersion: string }
  | { kind: 'login'; loginUrl: string; username: string; password: string; securityToken: string; apiVersion: string };

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** True when any Salesforce connection variable is set: the user meant to use Salesforce. */
export function hasSalesforceEnv(env: NodeJS.ProcessEnv): boolean {
  return ['SF_INSTANCE_URL', 'SF_ACCESS_TOKEN', 'SF_LOGIN_URL', 'SF_USERNAME', 'SF_PASSWORD'].some((name) => nonEmpty(env[name]));
}

function checkUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new MapsyncError(`${name} is not a URL`, { hint: `set ${name} to e.g. https://example.my.salesforce.com` });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new MapsyncError(`${name} must be an https:// URL`, { hint: `set ${name} to e.g. https://example.my.salesforce.com` });
  }
  return value.replace(/\/+$/, '');
}

function apiVersion(env: NodeJS.ProcessEnv): string {
  const raw = env.SF_API_VERSION?.trim();
  if (!nonEmpty(raw)) return DEFAULT_API_VERSION;
  const match = /^v?(\d{2,3})(?:\.0)?$/.exec(raw);
  if (!match) throw new MapsyncError(`SF_API_VERSION "${raw}" is not an API version`, { hint: `use a version such as ${DEFAULT_API_VERSION}` });
  return `${match[1]}.0`;
}

/**
 * Reads the credentials. A token wins when SF_ACCESS_TOKEN or SF_INSTANCE_URL is set; otherwise
 * a login. Whatever is incomplete is named in a one-line error.
 */
export function readCredentials(env: NodeJS.ProcessEnv): SalesforceCredentials {
  if (!hasSalesforceEnv(env)) {
    throw new MapsyncError('no Salesforce credentials in the environment: set SF_INSTANCE_URL + SF_ACCESS_TOKEN, or SF_LOGIN_URL + SF_USERNAME + SF_PASSWORD', {
      hint: 'in CI, pass them from repository secrets; see README, "salesforce store"',
    });
  }
  const version = apiVersion(env);
  const tokenMode = nonEmpty(env.SF_ACCESS_TOKEN) || nonEmpty(env.SF_INSTANCE_URL);
  if (tokenMode) {
    if (!nonEmpty(env.SF_INSTANCE_URL)) throw missingEnv('SF_INSTANCE_URL', 'the Salesforce org URL that SF_ACCESS_TOKEN belongs to (e.g. https://example.my.salesforce.com)');
    if (!nonEmpty(env.SF_ACCESS_TOKEN)) {
      if (nonEmpty(env.SF_USERNAME) || nonEmpty(env.SF_PASSWORD)) {
        // SF_INSTANCE_URL next to a username/password: log in there.
        return loginCredentials(env, version, env.SF_INSTANCE_URL);
      }
      throw missingEnv('SF_ACCESS_TOKEN', 'a Salesforce OAuth access token (or session id) for SF_INSTANCE_URL');
    }
    return { kind: 'token', instanceUrl: checkUrl('SF_INSTANCE_URL', env.SF_INSTANCE_URL), accessToken: env.SF_ACCESS_TOKEN.trim(), apiVersion: version };
  }
  return loginCredentials(env, version, undefined);
}

function loginCredentials(env: NodeJS.ProcessEnv, version: string, fallbackUrl: string | undefined): SalesforceCredentials {
  const loginUrl = nonEmpty(env.SF_LOGIN_URL) ? env.SF_LOGIN_URL : fallbackUrl;
  if (!nonEmpty(loginUrl)) {
    throw missingEnv('SF_LOGIN_URL', 'where to log in to Salesforce (https://login.salesforce.com, https://test.salesforce.com or your My Domain); or set SF_INSTANCE_URL + SF_ACCESS_TOKEN');
  }
  if (!nonEmpty(env.SF_USERNAME)) throw missingEnv('SF_USERNAME', 'the Salesforce username mapsync logs in as');
  if (!nonEmpty(env.SF_PASSWORD)) throw missingEnv('SF_PASSWORD', 'the password of SF_USERNAME (add SF_SECURITY_TOKEN when the org requires one)');
  return {
    kind: 'login',
    loginUrl: checkUrl(nonEmpty(env.SF_LOGIN_URL) ? 'SF_LOGIN_URL' : 'SF_INSTANCE_URL', loginUrl),
    username: env.SF_USERNAME.trim(),
    password: env.SF_PASSWORD,
    securityToken: env.SF_SECURITY_TOKEN?.trim() ?? '',
    apiVersion: version,
  };
}
