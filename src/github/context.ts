// Who and where we are on GitHub, read from the standard Actions environment. Nothing here
// talks to the network; a missing piece is one clear line naming the variable to set.
import { readFileSync } from 'node:fs';
import { MapsyncError } from '../errors.js';

export interface GitHubContext {
  token: string;
  owner: string;
  repo: string;
  /** REST API base without a trailing slash (GitHub Enterprise and tests change it). */
  apiUrl: string;
  /**
   * The commit the plan was made for: the PR head when known (a pull_request run's
   * pull_request.head.sha, or a workflow_run run's workflow_run.head_sha), else GITHUB_SHA.
   */
  sha?: string;
  /** The web address of the GitHub server (for links to commits). */
  serverUrl: string;
  /** A link to this workflow run, when running in Actions. */
  runUrl?: string;
  /** The parsed event payload, when GITHUB_EVENT_PATH names a readable file. */
  event?: Record<string, unknown>;
  /**
   * MAPSYNC_GITHUB_WRITE_GAP_MS: the least time between two writes. Unset, octokit's throttling
   * keeps GitHub's own pacing (a second between writes, three before one that notifies people);
   * the test suite sets 0 against its fake server, where that pacing is most of a test's time.
   */
  writeGapMs?: number;
}

export const DEFAULT_API_URL = 'https://api.github.com';

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function readEvent(env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  const path = nonEmpty(env.GITHUB_EVENT_PATH);
  if (!path) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    // A missing or unreadable payload only costs us the PR number and head SHA; say so later.
    return undefined;
  }
}

/**
 * The pull request's head commit from the event payload. A workflow_run run (the plan that a
 * pull request's checks start) runs on the default branch, so GITHUB_SHA is the default branch's
 * commit; the commit it was started for is workflow_run.head_sha, which GitHub sets, not the PR.
 */
function eventHeadSha(event: unknown): string | undefined {
  const sha = get(event, 'pull_request', 'head', 'sha') ?? get(event, 'workflow_run', 'head_sha');
  return typeof sha === 'string' ? sha : undefined;
}

/** A workflow_run run: the pull request's number and files came from an artifact, which is data to check. */
export function isWorkflowRun(github: GitHubContext): boolean {
  const run = get(github.event, 'workflow_run');
  return run !== null && typeof run === 'object';
}

function get(object: unknown, ...keys: string[]): unknown {
  let current = object;
  for (const key of keys) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function readGitHubContext(env: NodeJS.ProcessEnv): GitHubContext {
  const token = nonEmpty(env.GITHUB_TOKEN);
  if (!token) {
    throw new MapsyncError('GITHUB_TOKEN is not set: needed to post to GitHub', {
      hint: 'in the workflow step add env: GITHUB_TOKEN: ${{ github.token }}',
    });
  }
  const repository = nonEmpty(env.GITHUB_REPOSITORY);
  if (!repository) {
    throw new MapsyncError('GITHUB_REPOSITORY is not set: needed to know which repository to post to', {
      hint: 'Actions sets it; elsewhere export GITHUB_REPOSITORY=owner/repo',
    });
  }
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repository);
  if (!match) {
    throw new MapsyncError(`GITHUB_REPOSITORY must look like owner/repo, got "${repository}"`);
  }
  const apiUrl = (nonEmpty(env.GITHUB_API_URL) ?? DEFAULT_API_URL).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(apiUrl)) throw new MapsyncError(`GITHUB_API_URL must be an http(s) URL, got "${apiUrl}"`);
  const event = readEvent(env);
  const sha = eventHeadSha(event) ?? nonEmpty(env.GITHUB_SHA);
  const serverUrl = (nonEmpty(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, '');
  const runId = nonEmpty(env.GITHUB_RUN_ID);
  const writeGap = nonEmpty(env.MAPSYNC_GITHUB_WRITE_GAP_MS);
  const writeGapMs = writeGap !== undefined && /^\d+$/.test(writeGap) ? Number(writeGap) : undefined;
  return {
    token,
    owner: match[1]!,
    repo: match[2]!,
    apiUrl,
    sha,
    serverUrl,
    runUrl: runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
    event,
    ...(writeGapMs !== undefined ? { writeGapMs } : {}),
  };
}

/** The pull request number: --pr wins, else the event payload of a pull_request run. */
export function resolvePullRequest(flag: number | undefined, github: GitHubContext): number {
  if (flag !== undefined) {
    if (!Number.isInteger(flag) || flag < 1) throw new MapsyncError(`--pr must be a pull request number, got "${flag}"`);
    return flag;
  }
  const fromEvent = get(github.event, 'pull_request', 'number') ?? get(github.event, 'issue', 'number') ?? get(github.event, 'number');
  if (typeof fromEvent === 'number' && Number.isInteger(fromEvent) && fromEvent > 0) return fromEvent;
  throw new MapsyncError('no pull request to comment on: pass --pr N, or run in a pull_request workflow (GITHUB_EVENT_PATH)', {
    hint: 'in a workflow, trigger on pull_request; locally, add --pr 123',
  });
}

/**
 * What a job summary needs to link into GitHub (commit, run, source lines), without a token: the
 * summary is written in every Actions step, also where no GITHUB_TOKEN is passed. Links that
 * cannot be built are left out.
 */
export function readGitHubContextForLinks(env: NodeJS.ProcessEnv): { sha?: string; serverUrl: string; owner: string; repo: string; runUrl?: string } {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(nonEmpty(env.GITHUB_REPOSITORY) ?? '');
  const serverUrl = (nonEmpty(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, '');
  if (!match) return { serverUrl, owner: '', repo: '' };
  const headSha = eventHeadSha(readEvent(env));
  const runId = nonEmpty(env.GITHUB_RUN_ID);
  return {
    sha: headSha ?? nonEmpty(env.GITHUB_SHA),
    serverUrl,
    owner: match[1]!,
    repo: match[2]!,
    runUrl: runId ? `${serverUrl}/${match[1]}/${match[2]}/actions/runs/${runId}` : undefined,
  };
}
