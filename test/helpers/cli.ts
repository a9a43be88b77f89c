// Runs the real, compiled CLI — the same main() that bin/mapsync.js runs — either in this test
// worker (the default: no Node start-up and no module loading per run, which is most of a CLI
// test's time) or as a child process where a process is the point.
//
//   runCli(args, { cwd, env, input })         in-process; what most tests want
//   runCliProcess(args, { cwd, env, input })  a real `node bin/mapsync.js` child process: for exit
//                                             by signal, locks held across processes, races between
//                                             processes, start-up, a terminal on stdin
//   MAPSYNC_TEST_PROCESS=1 npx vitest run …   every runCli as a process (to rule out the runner)
//
// In-process, each run gets what a fresh process would: a freshly evaluated module graph (no
// cache or "warned once" flag carries over from the previous run), its own cwd, environment,
// stdin, stdout and stderr, and its own exit code. Those are process-wide, so runs in one worker
// take turns (a queue) and the pool must be `forks` (a worker thread cannot chdir). Two runs
// that must overlap in time — racing for a lock — have to be processes.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { vi } from 'vitest';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(REPO_ROOT, 'bin/mapsync.js');
const MAIN = pathToFileURL(join(REPO_ROOT, 'dist/cli/main.js')).href;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** Added to a clean environment (no inherited credentials, no colour, no GitHub write pacing). */
  env?: Record<string, string | undefined>;
  input?: string;
  /** A process is killed after this long; an in-process run is bounded by the test's timeout. */
  timeoutMs?: number;
  /** The script a process runs: bin/mapsync.js, unless a test needs one build in particular. */
  script?: string;
}

/**
 * The worker's environment as it started: an in-process run swaps process.env for its own, and
 * a process spawned meanwhile (by a test running schedules side by side) must not inherit that.
 */
const BASE_ENV: NodeJS.ProcessEnv = { ...process.env };

/** The parent's environment minus anything that could change mapsync's behaviour. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(BASE_ENV)) {
    if (/^(SF_|OUTREACH_|DYNAMICS_|SNOWFLAKE_|GITHUB_|MAPSYNC_|FORCE_COLOR|NO_COLOR|CI$)/.test(key)) continue;
    env[key] = value;
  }
  env.NO_COLOR = '1';
  // GitHub asks for a second between writes (octokit's throttling keeps it); the fake GitHub does
  // not, and that pacing was most of a GitHub test's time. A test of the pacing passes undefined.
  env.MAPSYNC_GITHUB_WRITE_GAP_MS = '0';
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Runs mapsync in-process (or as a process when MAPSYNC_TEST_PROCESS=1). */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  if (process.env.MAPSYNC_TEST_PROCESS === '1') return runCliProcess(args, options);
  return runCliInProcess(args, options);
}

/** Runs `node bin/mapsync.js ARGS` as a child process — the way admins and CI run it. */
export function runCliProcess(args: string[], options: CliOptions): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [options.script ?? CLI, ...args], {
      cwd: options.cwd,
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Thrown in place of process.exit during an in-process run: the run ends with that code. */
class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

let turn: Promise<unknown> = Promise.resolve();

/** Runs mapsync's main() in this worker, one run at a time. */
export function runCliInProcess(args: string[], options: CliOptions): Promise<CliResult> {
  const result = turn.then(() => runOnce(args, options));
  turn = result.catch(() => undefined);
  return result;
}

type Write = typeof process.stdout.write;

async function runOnce(args: string[], options: CliOptions): Promise<CliResult> {
  // A fresh module graph, as a new process would load: module-level caches and once-only warnings
  // start over. (Libraries under node_modules stay loaded; they keep no per-run state mapsync uses.)
  vi.resetModules();
  const { main } = (await import(/* @vite-ignore */ MAIN)) as { main(argv: readonly string[]): Promise<number> };

  const saved = {
    cwd: process.cwd(),
    env: process.env,
    exit: process.exit,
    exitCode: process.exitCode,
    stdin: Object.getOwnPropertyDescriptor(process, 'stdin')!,
    stdoutWrite: process.stdout.write,
    stderrWrite: process.stderr.write,
    stdoutTTY: Object.getOwnPropertyDescriptor(process.stdout, 'isTTY'),
    stderrTTY: Object.getOwnPropertyDescriptor(process.stderr, 'isTTY'),
  };
  let stdout = '';
  let stderr = '';
  const capture = (append: (text: string) => void): Write =>
    ((chunk: string | Uint8Array, encodingOrDone?: unknown, done?: unknown) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
      if (typeof callback === 'function') process.nextTick(callback as () => void);
      return true;
    }) as Write;
  const stdin = Readable.from(options.input ? [options.input] : []);

  process.chdir(options.cwd);
  process.env = cleanEnv(options.env);
  process.exitCode = undefined;
  process.exit = ((code?: number | string | null) => {
    throw new ExitCalled(Number(code ?? process.exitCode ?? 0));
  }) as typeof process.exit;
  Object.defineProperty(process, 'stdin', { configurable: true, enumerable: true, get: () => stdin });
  process.stdout.write = capture((text) => (stdout += text));
  process.stderr.write = capture((text) => (stderr += text));
  // Pipes, as for a child process with stdio 'pipe'.
  Object.defineProperty(process.stdout, 'isTTY', { configurable: true, value: false });
  Object.defineProperty(process.stderr, 'isTTY', { configurable: true, value: false });
  let code: number;
  try {
    code = await main([process.execPath, CLI, ...args]);
  } catch (err) {
    if (!(err instanceof ExitCalled)) throw err;
    code = err.code;
  } finally {
    process.chdir(saved.cwd);
    process.env = saved.env;
    process.exit = saved.exit;
    process.exitCode = saved.exitCode;
    Object.defineProperty(process, 'stdin', saved.stdin);
    process.stdout.write = saved.stdoutWrite;
    process.stderr.write = saved.stderrWrite;
    restoreProperty(process.stdout, 'isTTY', saved.stdoutTTY);
    restoreProperty(process.stderr, 'isTTY', saved.stderrTTY);
  }
  return { code, signal: null, stdout, stderr };
}

function restoreProperty(target: object, key: string, descriptor: PropertyDescriptor | undefined): void {
  if (descriptor) Object.defineProperty(target, key, descriptor);
  else delete (target as Record<string, unknown>)[key];
}

/** A fresh temporary project folder with the given files (paths relative to it). */
export async function makeProject(files: Record<string, string> = {}): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mapsync-test-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
