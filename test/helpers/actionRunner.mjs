// A small runner for action.yml, shared by test/init/action.test.ts and bench/action.bench.mjs:
// runs each `run:` step with bash the way GitHub's runner does (`bash --noprofile --norc -eo
// pipefail`, GITHUB_OUTPUT per step, `if:` conditions, `${{ }}` in env and working-directory).
// It does not run `uses:` steps (actions/setup-node, actions/cache): each one is handed to the
// caller's `onUses`, which may stand in for it (restore a cache) and returns the step's outputs;
// without `onUses` it is skipped and reported as skipped.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * Evaluates the expressions action.yml uses: context paths such as steps.x.outputs.y,
 * 'strings', true/false, ==, !=, &&, ||, ! and parentheses. Anything else throws.
 * @param {string} expression
 * @param {Record<string, unknown>} context
 * @returns {string | boolean}
 */
export function evaluate(expression, context) {
  const tokens = expression.match(/'(?:[^']|'')*'|&&|\|\||==|!=|!|\(|\)|[\w.-]+/g) ?? [];
  let i = 0;
  const truthy = (v) => v !== '' && v !== false && v !== 'false';
  const primary = () => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`cannot read expression: ${expression}`);
    if (t === '!') return !truthy(primary());
    if (t === '(') { const v = or(); i++; return v; }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    const [root, ...path] = t.split('.');
    let value = context[root];
    if (value === undefined) throw new Error(`unknown context "${root}" in: ${expression}`);
    for (const key of path) value = value?.[key];
    return typeof value === 'string' || typeof value === 'boolean' ? value : '';
  };
  const comparison = () => {
    const left = primary();
    const op = tokens[i];
    if (op === '==' || op === '!=') { i++; const right = primary(); return (String(left) === String(right)) === (op === '=='); }
    return left;
  };
  const and = () => { let v = comparison(); while (tokens[i] === '&&') { i++; const r = comparison(); v = truthy(v) ? r : v; } return v; };
  const or = () => { let v = and(); while (tokens[i] === '||') { i++; const r = and(); v = truthy(v) ? v : r; } return v; };
  const result = or();
  if (i !== tokens.length) throw new Error(`cannot read expression: ${expression}`);
  return result;
}

const substitute = (text, context) => text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e) => String(evaluate(e.trim(), context)));

function bash(script, cwd, env, timeoutMs, onLine) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; onLine?.(d); });
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolvePromise({ code: code ?? 1, stdout, stderr }); });
  });
}

/**
 * Runs the composite action in `actionPath` on `workspace`.
 * @param {{ actionPath: string, workspace: string, inputs: Record<string, string>, env?: Record<string, string>,
 *   onUses?: (step: any, context: any) => Promise<Record<string, string>>, refuse?: string[], timeoutMs?: number,
 *   onStdout?: (chunk: string) => void }} o
 *   `refuse`: names of run steps that must not run (reaching one throws); `onStdout`: sees the output as it comes.
 * @returns {Promise<{ steps: { name: string, ran: boolean, uses?: string, code?: number, skippedBecause?: string }[],
 *   stdout: string, stderr: string, outputs: Record<string, string>, failed: boolean }>}
 */
export async function runAction(o) {
  const action = parse(await readFile(join(o.actionPath, 'action.yml'), 'utf8'));
  if (action.runs.using !== 'composite') throw new Error('not a composite action');
  const inputs = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = o.inputs[name] ?? spec.default;
    if (value === undefined && spec.required) throw new Error(`input ${name} is required`);
    inputs[name] = value ?? '';
  }
  const context = { inputs, steps: {}, github: { action_path: o.actionPath, workspace: o.workspace }, runner: { os: 'Linux', temp: tmpdir() } };
  const scratch = await mkdtemp(join(tmpdir(), 'mapsync-action-run-'));
  const run = { steps: [], stdout: '', stderr: '', outputs: {}, failed: false };
  try {
    for (const [index, step] of action.runs.steps.entries()) {
      const name = step.name ?? step.uses ?? `step ${index + 1}`;
      // GitHub's default condition is success(): after a failed step, the rest are skipped.
      if (run.failed) { run.steps.push({ name, ran: false, skippedBecause: 'an earlier step failed' }); continue; }
      if (step.if !== undefined) {
        const verdict = evaluate(step.if, context);
        if (verdict !== true && verdict !== 'true') { run.steps.push({ name, ran: false, uses: step.uses, skippedBecause: `if: ${step.if}` }); continue; }
      }
      if (step.uses !== undefined) {
        const outputs = o.onUses ? await o.onUses(step, context) : {};
        if (step.id) context.steps[step.id] = { outputs: { ...outputs }, outcome: 'success' };
        run.steps.push({ name, ran: false, uses: step.uses, skippedBecause: o.onUses ? 'uses: stood in for by the caller' : 'uses: not run by this runner' });
        continue;
      }
      if (o.refuse?.includes(name)) throw new Error(`the action reached the step "${name}", which this run does not allow`);
      const outputFile = join(scratch, `output-${index}`);
      await writeFile(outputFile, '');
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...o.env, GITHUB_ACTION_PATH: o.actionPath, GITHUB_WORKSPACE: o.workspace, GITHUB_OUTPUT: outputFile, RUNNER_TEMP: tmpdir() };
      for (const [key, value] of Object.entries(step.env ?? {})) env[key] = substitute(String(value), context);
      // Relative working directories are relative to the workspace, as on GitHub.
      const cwd = resolve(o.workspace, substitute(step['working-directory'] ?? '.', context));
      const result = await bash(step.run ?? '', cwd, env, o.timeoutMs ?? 300_000, o.onStdout);
      run.stdout += result.stdout;
      run.stderr += result.stderr;
      const outputs = {};
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
