// Writes one repository Actions secret the way GitHub requires: fetch the repository's public key
// (X25519, base64), seal the value to it with a libsodium sealed box, PUT the ciphertext with the
// key's id. Only the sealed value leaves the machine. The token must be allowed to write secrets
// (GITHUB_TOKEN never is); its failures are reported by the caller, who knows what was at stake.
import type { GitHubClient } from './client.js';
import type { GitHubContext } from './context.js';

/** Seals `value` to a base64 X25519 public key; libsodium is loaded only when a secret is written. */
export async function sealForGitHub(value: string, publicKeyBase64: string): Promise<string> {
  const { default: sodium } = await import('libsodium-wrappers');
  await sodium.ready;
  const key = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL);
  return sodium.to_base64(sodium.crypto_box_seal(sodium.from_string(value), key), sodium.base64_variants.ORIGINAL);
}

export async function writeActionsSecret(client: GitHubClient, github: GitHubContext, name: string, value: string): Promise<void> {
  const { owner, repo } = github;
  const { data: key } = await client.request('GET /repos/{owner}/{repo}/actions/secrets/public-key', { owner, repo });
  const encrypted = await sealForGitHub(value, key.key);
  await client.request('PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}', { owner, repo, secret_name: name, encrypted_value: encrypted, key_id: key.key_id });
}
