// GitHub's implementations of the ports (src/ports.ts) that the command layer hands to stores and
// clients: the cross-machine lease is a ref in the repository (leaseRef.ts), and a secret is kept
// as a repository Actions secret (actionsSecret.ts). What each needs is read from the standard
// Actions environment here, so no store or client reads a GITHUB_* variable. Octokit is loaded
// only when a port is used: every command builds the ports, few of them reach GitHub.
import type { Logger } from '../log.js';
import { SecretNotKept, type LeasePort, type Ports, type SecretKeeper } from '../ports.js';
import { readGitHubContext } from './context.js';

const known = (value: string | undefined) => value !== undefined && value.trim() !== '';

/** MAPSYNC_LOCK_LEASE_MS: how long the shared lease holds without renewal (tests shorten it). */
function leaseMsFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const value = Number(env.MAPSYNC_LOCK_LEASE_MS);
  return env.MAPSYNC_LOCK_LEASE_MS && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** The lease as a ref in GITHUB_REPOSITORY, when GITHUB_TOKEN and GITHUB_REPOSITORY are known. */
export function gitHubLease(env: NodeJS.ProcessEnv, log: Logger): LeasePort {
  return {
    async acquire(storeSpec, onLost) {
      if (!known(env.GITHUB_TOKEN) || !known(env.GITHUB_REPOSITORY)) {
        log.warn(`no lock shared with other machines for ${storeSpec} (needs GITHUB_TOKEN and GITHUB_REPOSITORY): only applies from this checkout are kept apart`);
        return undefined;
      }
      const github = readGitHubContext(env);
      const { acquireLease, describeHolder } = await import('./leaseRef.js');
      const lease = await acquireLease({ github, storeSpec, holder: describeHolder(env, github.runUrl), log, leaseMs: leaseMsFromEnv(env), onLost });
      return () => lease.release();
    },
  };
}

/** One line about a GitHub failure; octokit's RequestError carries `status` and the answer's `message`. */
function gitHubFailure(err: unknown): { text: string; status?: number } {
  const e = err as { status?: unknown; response?: { data?: { message?: unknown } }; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const message = typeof e.response?.data?.message === 'string' ? e.response.data.message : (String(e.message ?? err).split('\n')[0] ?? '');
  return { text: status ? `${status} ${message}` : message, status };
}

/**
 * The repository's Actions secrets, written with MAPSYNC_SECRETS_TOKEN (GITHUB_TOKEN never may),
 * and only inside GitHub Actions: a laptop run must not overwrite the secret CI uses.
 */
export function actionsSecretKeeper(env: NodeJS.ProcessEnv, log: Logger): SecretKeeper | undefined {
  const token = env.MAPSYNC_SECRETS_TOKEN?.trim();
  if (!token || env.GITHUB_ACTIONS !== 'true') return undefined;
  const github = readGitHubContext({ ...env, GITHUB_TOKEN: token });
  return {
    describe: (name) => `the Actions secret ${name} of ${github.owner}/${github.repo}`,
    async keep(name, value) {
      try {
        const [{ writeActionsSecret }, { createGitHubClient }] = await Promise.all([import('./actionsSecret.js'), import('./client.js')]);
        await writeActionsSecret(createGitHubClient(github, log), github, name, value);
      } catch (err) {
        const { text, status } = gitHubFailure(err);
        const why = status === 401 ? 'GitHub rejected MAPSYNC_SECRETS_TOKEN' : status === 403 || status === 404 ? 'MAPSYNC_SECRETS_TOKEN may not write Actions secrets' : 'GitHub did not take it';
        throw new SecretNotKept(`${why} (${text})`, 'give MAPSYNC_SECRETS_TOKEN "Secrets: Read and write" on this repository (a fine-grained token; GITHUB_TOKEN cannot write secrets)');
      }
    },
  };
}

/** Every port GitHub provides, for the command layer to put in the StoreContext. */
export function gitHubPorts(env: NodeJS.ProcessEnv, log: Logger): Ports {
  return { lease: gitHubLease(env, log), secretKeeper: () => actionsSecretKeeper(env, log) };
}
