// The JWT bearer assertion Salesforce accepts from a connected app with a certificate: RS256,
// signed with node:crypto (a JOSE library would add a dependency for one signature), claims
// iss/sub/aud/exp as Salesforce documents them. A new assertion is signed for every login: no
// refresh token is issued in this flow.
import { sign, type KeyObject } from 'node:crypto';
import { readRsaPrivateKey } from '../privateKeyText.js';
import { registerSecret } from '../secrets.js';

/** Salesforce accepts an `exp` at most 3 minutes ahead; stay a little inside it for clock skew. */
export const ASSERTION_LIFETIME_SECONDS = 170;

export interface PrivateKeySource {
  key: KeyObject;
  /** Which variable the key came from, for messages. */
  from: 'SF_JWT_KEY' | 'SF_JWT_KEY_FILE';
}


/** `https://test.salesforce.com` for sandbox login URLs, `https://login.salesforce.com` for every other. */
export function defaultAudience(loginUrl: string): string {
  let host = '';
  try {
    host = new URL(loginUrl).hostname.toLowerCase();
  } catch {
    // checked by the caller; fall through to production
  }
  return host === 'test.salesforce.com' || host.endsWith('.sandbox.my.salesforce.com') ? 'https://test.salesforce.com' : 'https://login.salesforce.com';
}

/** Reads and checks the private key (SF_JWT_KEY wins over SF_JWT_KEY_FILE). */
export function loadPrivateKey(env: NodeJS.ProcessEnv): PrivateKeySource {
  return readRsaPrivateKey(env, {
    inline: 'SF_JWT_KEY',
    file: 'SF_JWT_KEY_FILE',
    fileHint: "point SF_JWT_KEY_FILE at the PEM private key of the connected app's certificate, or put the key itself in SF_JWT_KEY",
  }, {
    pemHint: 'use the unencrypted key whose certificate is uploaded to the connected app, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY----- (decrypt one with `openssl pkey -in server.key -out server.pem`)',
    needsRsa: "Salesforce's JWT bearer flow",
    rsaHint: 'create an RSA key and certificate (`openssl req -x509 -newkey rsa:2048 -nodes -keyout server.key -out server.crt -days 730`) and upload server.crt to the connected app',
  });
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export interface AssertionClaims {
  clientId: string;
  username: string;
  audience: string;
}

/** A signed assertion for one login, valid for ASSERTION_LIFETIME_SECONDS from `nowMs`. */
export function signAssertion(claims: AssertionClaims, key: KeyObject, nowMs = Date.now()): string {
  const header = base64url(JSON.stringify({ alg: 'RS256' }));
  const payload = base64url(
    JSON.stringify({ iss: claims.clientId, sub: claims.username, aud: claims.audience, exp: Math.floor(nowMs / 1000) + ASSERTION_LIFETIME_SECONDS }),
  );
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key);
  const assertion = `${header}.${payload}.${base64url(signature)}`;
  // The assertion is a credential for its lifetime: mask it like one.
  registerSecret(assertion);
  return assertion;
}
