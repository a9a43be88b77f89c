// The key-pair JWT the Snowflake SQL API accepts (PLATFORM-FACTS "Snowflake SQL API"): RS256,
// signed with node:crypto; iss = ACCOUNT.USER.SHA256:<fingerprint>, sub = ACCOUNT.USER, and an
// exp inside the hour Snowflake allows. The fingerprint is the base64 SHA-256 of the public
// key's SubjectPublicKeyInfo DER, the value `DESC USER` shows as RSA_PUBLIC_KEY_FP, so an admin
// can compare the two when Snowflake refuses the key.
import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readRsaPrivateKey } from '../privateKeyText.js';
import { registerSecret } from '../secrets.js';
import type { SnowflakeSettings } from './settings.js';

/** Snowflake refuses an exp more than an hour after iat; stay inside it for clock skew. */
export const JWT_LIFETIME_SECONDS = 59 * 60;

export interface SnowflakeKey {
  key: KeyObject;
  /** `SHA256:<base64>`, as Snowflake names it. */
  fingerprint: string;
  from: 'SNOWFLAKE_PRIVATE_KEY' | 'SNOWFLAKE_PRIVATE_KEY_FILE';
}


export function spkiFingerprint(key: KeyObject): string {
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

/** Reads and checks the private key (SNOWFLAKE_PRIVATE_KEY wins over SNOWFLAKE_PRIVATE_KEY_FILE). */
export function loadSnowflakeKey(env: NodeJS.ProcessEnv): SnowflakeKey {
  const { key, from } = readRsaPrivateKey(env, {
    inline: 'SNOWFLAKE_PRIVATE_KEY',
    file: 'SNOWFLAKE_PRIVATE_KEY_FILE',
    fileHint: 'point SNOWFLAKE_PRIVATE_KEY_FILE at the PKCS#8 PEM private key whose public key is set on the Snowflake user, or put the key itself in SNOWFLAKE_PRIVATE_KEY',
  }, {
    pemHint: 'use the unencrypted PKCS#8 key, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY----- (`openssl pkcs8 -topk8 -nocrypt -in rsa_key.p8` decrypts one)',
    needsRsa: "Snowflake's key-pair authentication",
    rsaHint: 'create one with `openssl genrsa 2048 | openssl pkcs8 -topk8 -nocrypt -out rsa_key.p8` and set its public key on the user (ALTER USER … SET RSA_PUBLIC_KEY)',
  });
  return { key, fingerprint: spkiFingerprint(key), from };
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** A signed JWT valid for JWT_LIFETIME_SECONDS from `nowMs`; registered as a secret. */
export function signSnowflakeJwt(settings: Pick<SnowflakeSettings, 'jwtAccount' | 'jwtUser'>, key: SnowflakeKey, nowMs = Date.now()): string {
  const qualifiedUser = `${settings.jwtAccount}.${settings.jwtUser}`;
  const iat = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iss: `${qualifiedUser}.${key.fingerprint}`, sub: qualifiedUser, iat, exp: iat + JWT_LIFETIME_SECONDS }));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key.key);
  const jwt = `${header}.${payload}.${base64url(signature)}`;
  // The JWT is a credential for its lifetime: mask it like one.
  registerSecret(jwt);
  return jwt;
}
