// Running the real CLI for the end-to-end fault schedules: a child the test can SIGKILL at a
// chosen moment, and project files written from a scenario.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, cleanEnv, runCli, type CliResult } from '../helpers/cli.js';
import { pairKey } from './harness.js';

export interface RunningCli {
  child: ChildProcess;
  done: Promise<CliResult>;
}

export function spawnCli(args: string[], cwd: string, env: Record<string, string | undefined> = {}, timeoutMs = 60_000): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/**
 * A run nobody kills (a re-run after a fault, a restore, the refused second machine): in-process,
 * like most CLI tests. The runs a test kills or signals stay processes (spawnCli).
 */
export const runCliIn = (args: string[], cwd: string, env: Record<string, string | undefined> = {}) => runCli(args, { cwd, env });

/** mappings/team.yaml for the desired pairs. */
export function mappingsYaml(pairs: readonly { crmUserId: string; outreachUserId: number }[]): string {
  const lines = ['mappings:'];
  for (const p of pairs) lines.push(`  - crmUserId: ${p.crmUserId}`, `    outreachUserId: ${p.outreachUserId}`);
  return lines.join('\n') + '\n';
}

/** The file store's pairs, or throws when the file is not valid JSON. */
export function fileStorePairs(path: string): string[] {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { mappings: { crmUserId: string; outreachUserId: number }[] };
  return doc.mappings.map((m) => pairKey(m.crmUserId, m.outreachUserId)).sort();
}

/** Every journal line parses on its own: a killed apply leaves no torn line. */
export function journalLines(stateDir: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = readFileSync(join(stateDir, 'journal.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

export const describeRun = (r: CliResult) => `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\nstdout: ${r.stdout.slice(-800)}\nstderr: ${r.stderr.slice(-1500)}`;
