// Shared set-up for the GitHub tests: a project folder with mappings and a live file store,
// and the Actions environment a workflow run would have.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { to18 } from '../../src/crm/salesforceId.js';
import { startGitHubServer, type FakeGitHub } from '../fakes/githubServer.js';

export const TOKEN = 'ghs_FAKEtokenF0rMapsyncTests1234567890';
export const HEAD_SHA = '3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345';

/** The n-th valid 18-character Salesforce User ID. */
export function userId(n: number): string {
  return to18(`0055e${String(n).padStart(10, '0')}`);
}

export function mappingsYaml(entries: { n: number; outreach: number; name?: string }[]): string {
  const lines = ['mappings:'];
  for (const e of entries) {
    lines.push(`  - crmUserId: ${userId(e.n)}`, `    outreachUserId: ${e.outreach}`);
    if (e.name) lines.push(`    name: ${JSON.stringify(e.name)}`);
  }
  return lines.join('\n') + '\n';
}

export function liveJson(entries: { n: number; outreach: number; name?: string }[]): string {
  return JSON.stringify({
    mappings: entries.map((e) => ({ crmUserId: userId(e.n), outreachUserId: e.outreach, ...(e.name ? { crmUserName: e.name, outreachUserName: e.name } : {}) })),
  });
}

/** The environment of a pull_request run: token, repository, event payload, run link, summary file. */
export async function actionsEnv(dir: string, apiUrl: string, options: { pr?: number; repository?: string } = {}): Promise<Record<string, string>> {
  const eventPath = join(dir, 'event.json');
  await writeFile(eventPath, JSON.stringify(options.pr === undefined ? { schedule: '17 6 * * 1-5' } : {
    action: 'synchronize',
    number: options.pr,
    pull_request: { number: options.pr, head: { sha: HEAD_SHA, ref: 'feature' } },
  }));
  return {
    GITHUB_TOKEN: TOKEN,
    GITHUB_REPOSITORY: options.repository ?? 'acme/crm-mappings',
    GITHUB_API_URL: apiUrl,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md'),
  };
}

/**
 * A fresh fake GitHub for every test of the file, closed after it, and a list of clean-ups that
 * run after each test (project folders, other servers). `use` receives each test's server.
 */
export function fakeGitHubPerTest(use: (github: FakeGitHub) => void): (() => Promise<void>)[] {
  const cleanups: (() => Promise<void>)[] = [];
  let github: FakeGitHub | undefined;
  beforeEach(async () => {
    github = await startGitHubServer({ token: TOKEN });
    use(github);
  });
  afterEach(async () => {
    await github?.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return cleanups;
}
