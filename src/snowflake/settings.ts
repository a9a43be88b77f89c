// Where and as whom mapsync talks to Snowflake (CONTRACT §12): SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER,
// the key (SNOWFLAKE_PRIVATE_KEY or SNOWFLAKE_PRIVATE_KEY_FILE), SNOWFLAKE_WAREHOUSE, optional
// SNOWFLAKE_ROLE and SNOWFLAKE_URL. What is missing is named in one line, all of it at once.
import { MapsyncError } from '../errors.js';

export interface SnowflakeSettings {
  /** As written, lower-cased: it names the host of the default URL. */
  account: string;
  /** The account as the JWT names it: upper-cased, without a region or cloud suffix. */
  jwtAccount: string;
  /** The user as the JWT names it: upper-cased. */
  jwtUser: string;
  warehouse: string;
  role?: string;
  /** The account URL without a trailing slash. */
  url: string;
}

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * `xy12345.us-east-1` → `XY12345`; `myorg-acct` → `MYORG-ACCT`; a pasted host
 * (`xy12345.us-east-1.snowflakecomputing.com`) is read as its account part.
 */
export function jwtAccountName(account: string): string {
  const bare = account.trim().replace(/^https?:\/\//i, '').replace(/\.snowflakecomputing\.com.*$/i, '');
  return bare.split('.')[0]!.toUpperCase();
}

export function hasSnowflakeKey(env: NodeJS.ProcessEnv): boolean {
  return nonEmpty(env.SNOWFLAKE_PRIVATE_KEY) || nonEmpty(env.SNOWFLAKE_PRIVATE_KEY_FILE);
}

export function snowflakeSettings(env: NodeJS.ProcessEnv): SnowflakeSettings {
  const missing: string[] = [];
  for (const name of ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER'] as const) if (!nonEmpty(env[name])) missing.push(name);
  if (!hasSnowflakeKey(env)) missing.push('SNOWFLAKE_PRIVATE_KEY (or SNOWFLAKE_PRIVATE_KEY_FILE)');
  if (!nonEmpty(env.SNOWFLAKE_WAREHOUSE)) missing.push('SNOWFLAKE_WAREHOUSE');
  if (missing.length > 0) {
    throw new MapsyncError(`the plugin-share store reads Outreach Data Sharing through Snowflake, and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`, {
      code: 'missing-env',
      hint: 'set SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY (PKCS#8 PEM) and SNOWFLAKE_WAREHOUSE (in CI, from repository secrets); see the README section "plugin-share"',
    });
  }
  const account = env.SNOWFLAKE_ACCOUNT!.trim().toLowerCase();
  const url = nonEmpty(env.SNOWFLAKE_URL) ? checkUrl(env.SNOWFLAKE_URL) : `https://${account}.snowflakecomputing.com`;
  return {
    account,
    jwtAccount: jwtAccountName(account),
    jwtUser: env.SNOWFLAKE_USER!.trim().toUpperCase(),
    warehouse: env.SNOWFLAKE_WAREHOUSE!.trim(),
    ...(nonEmpty(env.SNOWFLAKE_ROLE) ? { role: env.SNOWFLAKE_ROLE.trim() } : {}),
    url,
  };
}

function checkUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new MapsyncError('SNOWFLAKE_URL is not a URL', { hint: 'set SNOWFLAKE_URL to the account URL, e.g. https://xy12345.us-east-1.snowflakecomputing.com, or leave it unset' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new MapsyncError('SNOWFLAKE_URL must be an https:// URL', { hint: 'e.g. https://xy12345.us-east-1.snowflakecomputing.com' });
  }
  return value.trim().replace(/\/+$/, '');
}
