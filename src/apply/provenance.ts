// Who applied which commit: from the Actions environment when present, else from the local git
// checkout and login name. Best effort only: an apply never fails for lack of it.
import { execFileSync } from 'node:child_process';

function localCommit(): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 });
    return /^[0-9a-f]{40}$/.test(out.trim()) ? out.trim() : undefined;
  } catch {
    return undefined;
  }
}

export function provenance(env: NodeJS.ProcessEnv): { commit?: string; actor?: string } {
  const commit = env.GITHUB_SHA || localCommit();
  const actor = env.GITHUB_ACTOR || env.USER || env.USERNAME || undefined;
  return { ...(commit ? { commit } : {}), ...(actor ? { actor } : {}) };
}
