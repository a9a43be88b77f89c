// Repository Actions secrets in the fake GitHub (PLATFORM-FACTS "More GitHub facts"):
// GET /repos/{o}/{r}/actions/secrets/public-key → {key_id, key} (a base64 X25519 key made here
// with libsodium), PUT /repos/{o}/{r}/actions/secrets/{name} with {encrypted_value, key_id}
// (201 created, 204 updated), GET …/actions/secrets/{name} (never the value). The repository's
// token (GITHUB_TOKEN) may not touch them (403, as GitHub answers an integration token); only
// the token given as `secretsToken` may. Tests open the sealed box with the private key to
// prove what was stored.
import type { ServerResponse } from 'node:http';
import sodium from 'libsodium-wrappers';

type Json = (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => void;

export interface StoredSecret {
  encryptedValue: string;
  keyId: string;
  createdAt: string;
  updatedAt: string;
}

export interface ActionsSecrets {
  /** The current public key's id and value (base64). */
  readonly keyId: string;
  readonly publicKey: string;
  readonly stored: Map<string, StoredSecret>;
  /** The plain value of a stored secret, from its sealed box; undefined when there is none. */
  open(name: string): string | undefined;
  /** Sets a secret without the API (e.g. the one the admin created by hand). */
  seed(name: string, value: string): void;
  /** Handles …/actions/secrets routes; false for any other path. */
  handle(method: string, pathname: string, body: Record<string, unknown> | undefined, presentedToken: string, res: ServerResponse): boolean;
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function createActionsSecrets(options: { owner: string; repo: string; repoToken: string; secretsToken?: string; json: Json }): Promise<ActionsSecrets> {
  await sodium.ready;
  const keys = sodium.crypto_box_keypair();
  const publicKey = sodium.to_base64(keys.publicKey, sodium.base64_variants.ORIGINAL);
  const keyId = `568250167242549743${Math.floor(Math.random() * 90 + 10)}`;
  const stored = new Map<string, StoredSecret>();
  const prefix = `/repos/${options.owner}/${options.repo}/actions/secrets`;
  const { json } = options;
  const now = () => new Date().toISOString();

  const unseal = (encrypted: string): string | undefined => {
    try {
      return sodium.to_string(sodium.crypto_box_seal_open(sodium.from_base64(encrypted, sodium.base64_variants.ORIGINAL), keys.publicKey, keys.privateKey));
    } catch {
      return undefined;
    }
  };
  const put = (name: string, encryptedValue: string): boolean => {
    const existing = stored.get(name);
    stored.set(name, { encryptedValue, keyId, createdAt: existing?.createdAt ?? now(), updatedAt: now() });
    return existing === undefined;
  };

  return {
    keyId,
    publicKey,
    stored,
    open(name) {
      const secret = stored.get(name);
      return secret && unseal(secret.encryptedValue);
    },
    seed(name, value) {
      put(name, sodium.to_base64(sodium.crypto_box_seal(sodium.from_string(value), keys.publicKey), sodium.base64_variants.ORIGINAL));
    },
    handle(method, pathname, body, presentedToken, res) {
      if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return false;
      if (options.secretsToken === undefined || presentedToken !== options.secretsToken) {
        if (presentedToken === options.repoToken) json(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/actions/secrets', status: '403' });
        else json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
        return true;
      }
      const rest = pathname.slice(prefix.length);
      if (rest === '/public-key' && method === 'GET') {
        json(res, 200, { key_id: keyId, key: publicKey });
        return true;
      }
      const name = /^\/([^/]+)$/.exec(rest)?.[1];
      if (name !== undefined && method === 'GET') {
        const secret = stored.get(name);
        if (!secret) json(res, 404, { message: 'Not Found', status: '404' });
        else json(res, 200, { name, created_at: secret.createdAt, updated_at: secret.updatedAt });
        return true;
      }
      if (name !== undefined && method === 'PUT') {
        if (!SECRET_NAME.test(name) || name.toUpperCase().startsWith('GITHUB_')) {
          json(res, 422, { message: 'Secret names can only contain alphanumeric characters or underscores and must not start with GITHUB_', status: '422' });
          return true;
        }
        if (typeof body?.encrypted_value !== 'string' || typeof body.key_id !== 'string') {
          json(res, 422, { message: 'Invalid request.\n\n"encrypted_value" and "key_id" are required.', status: '422' });
          return true;
        }
        // A value sealed to another key (or not sealed at all) could never be decrypted by Actions.
        if (body.key_id !== keyId || unseal(body.encrypted_value) === undefined) {
          json(res, 422, { message: 'Bad request: the value is not sealed to the repository public key (key_id)', status: '422' });
          return true;
        }
        const created = put(name, body.encrypted_value);
        res.writeHead(created ? 201 : 204, { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999' });
        res.end();
        return true;
      }
      json(res, 404, { message: 'Not Found', status: '404' });
      return true;
    },
  };
}
