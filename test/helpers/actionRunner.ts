// A small runner for action.yml: runs each `run:` step with bash the way GitHub's runner does
// (`bash --noprofile --norc -eo pipefail`, GITHUB_OUTPUT per step, `if:` conditions, `${{ }}`
// in env and working-directory). It does not run `uses:` steps (actions/setup-node,
// actions/cache): each one is handed to the test's `onUses`, which may stand in for it (restore a
// cache) and returns the step's outputs; without `onUses` it is skipped and reported as skipped.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

interface ActionStep { name?: string; id?: string; if?: string; uses?: string; run?: string; shell?: string; env?: Record<string, string>; with?: Record<string, string>; 'working-directory'?: string }
interface ActionFile { inputs: Record<string, { default?: string; required?: boolean }>; outputs?: Record<string, { value: string }>; runs: { using: string; steps: ActionStep[] } }

export interface ActionRun {
  /** What each step did, in order: ran (with its exit code), skipped by `if:`, or a `uses:` step. */
  steps: { name: string; ran: boolean; uses?: string; code?: number; skippedBecause?: string }[];
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** The action failed: a run step exited non-zero. */
  failed: boolean;
}

export interface RunActionOptions {
  /** Folder holding action.yml (GITHUB_ACTION_PATH). */
  actionPath: string;
  /** The caller's checkout (GITHUB_WORKSPACE). */
  workspace: string;
  inputs: Record<string, string>;
  /** Environment of the calling step (secrets, GITHUB_TOKEN …), on top of a minimal base. */
  env?: Record<string, string>;
  /** Stands in for a `uses:` step; returns its outputs. */
  onUses?: (step: ActionStep, context: Context) => Promise<Record<string, string>>;
  timeoutMs?: number;
  /** Names of run steps that must not run here (e.g. the install, which would rewrite node_modules): reaching one throws. */
  refuse?: string[];
}

export type Context = { inputs: Record<string, string>; steps: Record<string, { outputs: Record<string, string>; outcome: string }>; github: Record<string, string>; runner: Record<string, string> };

/** Evaluates the expressions action.yml uses: paths such as steps.x.outputs.y, 'strings', ==, !=, &&, ||, !. */
export function evaluate(expression: string, context: Context): string | boolean {
  const tokens = expression.match(/'(?:[^']|'')*'|&&|\|\||==|!=|!|\(|\)|[\w.-]+/g) ?? [];
  let i = 0;
  const truthy = (v: string | boolean) => v !== '' && v !== false && v !== 'false';
  const primary = (): string | boolean => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`cannot read expression: ${expression}`);
    if (t === '!') return !truthy(primary());
    if (t === '(') { const v = or(); i++; return v; }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    const [root, ...path] = t.split('.');
    let value: unknown = (context as unknown as Record<string, unknown>)[root!];
    if (value === undefined) throw new Error(`unknown context "${root}" in: ${expression}`);
    for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
    return typeof value === 'string' || typeof value === 'boolean' ? value : '';
  };
  const comparison = (): string | boolean => {
    const left = primary();
    const op = tokens[i];
    if (op === '==' || op === '!=') { i++; const right = primary(); return (String(left) === String(right)) === (op === '=='); }
    return left;
  };
  const and = (): string | boolean => { let v = comparison(); while (tokens[i] === '&&') { i++; const r = comparison(); v = truthy(v) ? r : v; } return v; };
  const or = (): string | boolean => { let v = and(); while (tokens[i] === '||') { i++; const r = and(); v = truthy(v) ? v : r; } return v; };
  const result = or();
  if (i !== tokens.length) throw new Error(`cannot read expression: ${expression}`);
  return result;
}

const substitute = (text: string, context: Context) => text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e: string) => String(evaluate(e.trim(), context)));

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolvePromise({ code: code ?? 1, stdout, stderr }); });
  });
}

export async function loadAction(actionPath: string): Promise<ActionFile> {
  return parse(await readFile(join(actionPath, 'action.yml'), 'utf8')) as ActionFile;
}

export async function runAction(o: RunActionOptions): Promise<ActionRun> {
  const action = await loadAction(o.actionPath);
  if (action.runs.using !== 'composite') throw new Error('not a composite action');
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = o.inputs[name] ?? spec.default;
    if (value === undefined && spec.required) throw new Error(`input ${name} is required`);
    inputs[name] = value ?? '';
  }
  const context: Context = { inputs, steps: {}, github: { action_path: o.actionPath, workspace: o.workspace }, runner: { os: 'Linux', temp: tmpdir() } };
  const scratch = await mkdtemp(join(tmpdir(), 'mapsync-action-run-'));
  const run: ActionRun = { steps: [], stdout: '', stderr: '', outputs: {}, failed: false };
  try {
    for (const [index, step] of action.runs.steps.entries()) {
      const name = step.name ?? step.uses ?? `step ${index + 1}`;
      // GitHub's default condition is success(): after a failed step, the rest are skipped.
      if (run.failed) { run.steps.push({ name, ran: false, skippedBecause: 'an earlier step failed' }); continue; }
      if (step.if !== undefined && evaluate(step.if, context) !== true && evaluate(step.if, context) !== 'true') {
        run.steps.push({ name, ran: false, uses: step.uses, skippedBecause: `if: ${step.if}` });
        continue;
      }
      if (step.uses !== undefined) {
        const outputs = o.onUses ? await o.onUses(step, context) : {};
        if (step.id) context.steps[step.id] = { outputs: { ...outputs }, outcome: 'success' };
        run.steps.push({ name, ran: false, uses: step.uses, skippedBecause: o.onUses ? 'uses: stood in for by the test' : 'uses: not run by this runner' });
        continue;
      }
      if (o.refuse?.includes(name)) throw new Error(`the action reached the step "${name}", which this test does not allow to run`);
      const outputFile = join(scratch, `output-${index}`);
      await writeFile(outputFile, '');
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...o.env,
        GITHUB_ACTION_PATH: o.actionPath,
        GITHUB_WORKSPACE: o.workspace,
        GITHUB_OUTPUT: outputFile,
        RUNNER_TEMP: tmpdir(),
      };
      for (const [key, value] of Object.entries(step.env ?? {})) env[key] = substitute(String(value), context);
      // Relative working directories are relative to the workspace, as on GitHub.
      const cwd = resolve(o.workspace, substitute(step['working-directory'] ?? '.', context));
      const result = await bash(step.run ?? '', cwd, env, o.timeoutMs ?? 120_000);
      run.stdout += result.stdout;
      run.stderr += result.stderr;
      const outputs: Record<string, string> = {};
      for (const line of (await readFile(outputFile, 'utf8')).split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
      }
      if (step.id) context.steps[step.id] = { outputs, outcome: result.code === 0 ? 'success' : 'failure' };
      run.steps.push({ name, ran: true, code: result.code });
      if (result.code !== 0) run.failed = true;
    }
    for (const [name, output] of Object.entries(action.outputs ?? {})) run.outputs[name] = String(evaluate(output.value.replace(/^\$\{\{|\}\}$/g, '').trim(), context));
    return run;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
