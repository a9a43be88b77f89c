// Which Salesforce credentials the environment holds. Four sets, tried in this order (CONTRACT
// §9): a ready access token, the JWT bearer flow (a connected app's certificate key), the
// client-credentials flow, and a username/password SOAP login. The first complete set wins, so
// a workflow may pass every secret and leave the unused ones empty. When none is complete, the
// set the user evidently meant (the first whose own variables are present) is named with what it
// lacks. Values are never printed: src/secrets.ts redacts the SF_* credential names.
import { MapsyncError, missingEnv } from '../errors.js';
import { defaultAudience, loadPrivateKey, type PrivateKeySource } from './jwt.js';

export const DEFAULT_API_VERSION = '62.0';

export type SalesforceCredentials =
  | { kind: 'token'; instanceUrl: string; accessToken: string; apiVersion: string }
  | { kind: 'jwt'; loginUrl: string; clientId: string; username: string; key: PrivateKeySource; audience: string; apiVersion: string }
  | { kind: 'client-credentials'; loginUrl: string; clientId: string; clientSecret: string; apiVersion: string }
  | { kind: 'login'; loginUrl: string; username: string; password: string; securityToken: string; apiVersion: string };

export type SalesforceFlow = SalesforceCredentials['kind'];

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

const ALL_VARS = ['SF_INSTANCE_URL', 'SF_ACCESS_TOKEN', 'SF_LOGIN_URL', 'SF_USERNAME', 'SF_PASSWORD', 'SF_CLIENT_ID', 'SF_CLIENT_SECRET', 'SF_JWT_KEY', 'SF_JWT_KEY_FILE'];

/** True when any Salesforce connection variable is set: the user meant to use Salesforce. */
export function hasSalesforceEnv(env: NodeJS.ProcessEnv): boolean {
  return ALL_VARS.some((name) => nonEmpty(env[name]));
}

function checkUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new MapsyncError(`${name} is not a URL`, { hint: `set ${name} to e.g. https://example.my.salesforce.com` });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new MapsyncError(`${name} must be an https:// URL`, { hint: `set ${name} to e.g. https://example.my.salesforce.com` });
  }
  return value.trim().replace(/\/+$/, '');
}

function apiVersion(env: NodeJS.ProcessEnv): string {
  const raw = env.SF_API_VERSION?.trim();
  if (!nonEmpty(raw)) return DEFAULT_API_VERSION;
  const match = /^v?(\d{2,3})(?:\.0)?$/.exec(raw);
  if (!match) throw new MapsyncError(`SF_API_VERSION "${raw}" is not an API version`, { hint: `use a version such as ${DEFAULT_API_VERSION}` });
  return `${match[1]}.0`;
}

/** One credential set: what it needs, what shows that the user meant it, and how to build it. */
interface CredentialSet {
  flow: string;
  /** Each entry is one requirement; alternatives (key or key file) share an entry. */
  needs: string[][];
  /** Variables only this set uses: when one is present, the user meant this set. */
  markers: string[];
  /** What each variable is for, for the one-line error. */
  purpose: Record<string, string>;
  build(env: NodeJS.ProcessEnv, version: string): SalesforceCredentials;
}

const LOGIN_URL_PURPOSE = 'where to log in to Salesforce (https://login.salesforce.com, https://test.salesforce.com or your My Domain)';

const SETS: CredentialSet[] = [
  {
    flow: 'an access token',
    needs: [['SF_INSTANCE_URL'], ['SF_ACCESS_TOKEN']],
    markers: ['SF_ACCESS_TOKEN'],
    purpose: {
      SF_INSTANCE_URL: 'the Salesforce org URL that SF_ACCESS_TOKEN belongs to (e.g. https://example.my.salesforce.com)',
      SF_ACCESS_TOKEN: 'a Salesforce OAuth access token (or session id) for SF_INSTANCE_URL',
    },
    build: (env, version) => ({ kind: 'token', instanceUrl: checkUrl('SF_INSTANCE_URL', env.SF_INSTANCE_URL!), accessToken: env.SF_ACCESS_TOKEN!.trim(), apiVersion: version }),
  },
  {
    flow: 'the JWT bearer flow',
    needs: [['SF_CLIENT_ID'], ['SF_USERNAME'], ['SF_JWT_KEY', 'SF_JWT_KEY_FILE'], ['SF_LOGIN_URL']],
    markers: ['SF_JWT_KEY', 'SF_JWT_KEY_FILE'],
    purpose: {
      SF_CLIENT_ID: "the connected app's consumer key",
      SF_USERNAME: 'the Salesforce username mapsync logs in as (pre-authorized for the connected app)',
      SF_LOGIN_URL: LOGIN_URL_PURPOSE,
      SF_JWT_KEY: "the PEM private key of the connected app's certificate (or SF_JWT_KEY_FILE with the path of that file)",
    },
    build: (env, version) => {
      const loginUrl = checkUrl('SF_LOGIN_URL', env.SF_LOGIN_URL!);
      const audience = nonEmpty(env.SF_JWT_AUDIENCE) ? checkUrl('SF_JWT_AUDIENCE', env.SF_JWT_AUDIENCE) : defaultAudience(loginUrl);
      return {
        kind: 'jwt',
        loginUrl,
        clientId: env.SF_CLIENT_ID!.trim(),
        username: env.SF_USERNAME!.trim(),
        key: loadPrivateKey(env),
        audience,
        apiVersion: version,
      };
    },
  },
  {
    flow: 'the client-credentials flow',
    needs: [['SF_CLIENT_ID'], ['SF_CLIENT_SECRET'], ['SF_LOGIN_URL']],
    markers: ['SF_CLIENT_SECRET'],
    purpose: {
      SF_CLIENT_ID: "the connected app's consumer key",
      SF_CLIENT_SECRET: "the connected app's consumer secret",
      SF_LOGIN_URL: "your org's My Domain URL (e.g. https://example.my.salesforce.com): the client-credentials flow works only there",
    },
    build: (env, version) => ({
      kind: 'client-credentials',
      loginUrl: checkUrl('SF_LOGIN_URL', env.SF_LOGIN_URL!),
      clientId: env.SF_CLIENT_ID!.trim(),
      clientSecret: env.SF_CLIENT_SECRET!.trim(),
      apiVersion: version,
    }),
  },
  {
    flow: 'a username/password login',
    // SF_INSTANCE_URL next to a username/password is where to log in, as before §9.
    needs: [['SF_LOGIN_URL', 'SF_INSTANCE_URL'], ['SF_USERNAME'], ['SF_PASSWORD']],
    markers: ['SF_PASSWORD'],
    purpose: {
      SF_LOGIN_URL: `${LOGIN_URL_PURPOSE}; or set SF_INSTANCE_URL + SF_ACCESS_TOKEN`,
      SF_USERNAME: 'the Salesforce username mapsync logs in as',
      SF_PASSWORD: 'the password of SF_USERNAME (add SF_SECURITY_TOKEN when the org requires one)',
    },
    build: (env, version) => {
      const fromLoginUrl = nonEmpty(env.SF_LOGIN_URL);
      return {
        kind: 'login',
        loginUrl: checkUrl(fromLoginUrl ? 'SF_LOGIN_URL' : 'SF_INSTANCE_URL', fromLoginUrl ? env.SF_LOGIN_URL! : env.SF_INSTANCE_URL!),
        username: env.SF_USERNAME!.trim(),
        password: env.SF_PASSWORD!,
        securityToken: env.SF_SECURITY_TOKEN?.trim() ?? '',
        apiVersion: version,
      };
    },
  },
];

const missingOf = (set: CredentialSet, env: NodeJS.ProcessEnv): string[][] => set.needs.filter((alternatives) => !alternatives.some((name) => nonEmpty(env[name])));

function incomplete(set: CredentialSet, missing: string[][]): MapsyncError {
  if (missing.length === 1) {
    // One requirement missing: name its first spelling (the purpose mentions the alternative).
    const name = missing[0]![0]!;
    return missingEnv(name, set.purpose[name] ?? `needed for ${set.flow}`);
  }
  const names = missing.map((alternatives) => alternatives.join(' or '));
  const needs = set.needs.map((alternatives) => alternatives.join(' or ')).join(' + ');
  return new MapsyncError(`${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} not set: ${set.flow} to Salesforce needs ${needs}`, {
    hint: 'in CI, pass them from repository secrets; see README, "salesforce store"',
  });
}

/** Reads the credentials: the first complete set wins; otherwise one line naming what is missing. */
export function readCredentials(env: NodeJS.ProcessEnv): SalesforceCredentials {
  if (!hasSalesforceEnv(env)) {
    throw new MapsyncError(
      'no Salesforce credentials in the environment: set SF_INSTANCE_URL + SF_ACCESS_TOKEN, or SF_CLIENT_ID + SF_USERNAME + SF_JWT_KEY + SF_LOGIN_URL (JWT bearer), or SF_CLIENT_ID + SF_CLIENT_SECRET + SF_LOGIN_URL (client credentials), or SF_LOGIN_URL + SF_USERNAME + SF_PASSWORD',
      { hint: 'in CI, pass them from repository secrets; see README, "salesforce store"' },
    );
  }
  const version = apiVersion(env);
  const complete = SETS.find((set) => missingOf(set, env).length === 0);
  if (complete) return complete.build(env, version);
  throw incomplete(meantSet(env), missingOf(meantSet(env), env));
}

/** The set the user evidently meant: one whose own variable is set, else the one closest to complete. */
function meantSet(env: NodeJS.ProcessEnv): CredentialSet {
  const marked = SETS.find((set) => set.markers.some((name) => nonEmpty(env[name])));
  if (marked) return marked;
  const started = SETS.filter((set) => missingOf(set, env).length < set.needs.length);
  // Array.prototype.sort is stable: ties keep the precedence order.
  return [...started].sort((a, b) => missingOf(a, env).length - missingOf(b, env).length)[0] ?? SETS[0]!;
}

/** How a flow is named in --debug lines and errors. */
export function describeFlow(credentials: SalesforceCredentials): string {
  switch (credentials.kind) {
    case 'token':
      return 'SF_ACCESS_TOKEN';
    case 'jwt':
      return 'the JWT bearer flow';
    case 'client-credentials':
      return 'the client-credentials flow';
    case 'login':
      return 'a username/password login (SOAP)';
  }
}
