// apply on a real terminal (a pseudo-terminal from util-linux `script`): it shows the plan, asks,
// and applies only after "yes".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, cleanEnv, makeProject } from '../helpers/cli.js';
import { livePairs, mappingYaml, pairStrings, pairs, STORE } from './seed.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const PROMPT = "Do you want to apply these changes? Only 'yes' will be accepted:";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Runs `mapsync apply` on a pseudo-terminal and types `answer` once the question appears. */
function applyOnTerminal(cwd: string, answer: string): Promise<{ code: number | null; output: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `${quote(process.execPath)} ${quote(CLI)} apply`, '/dev/null'], { cwd, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let answered = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      if (!answered && output.includes(PROMPT)) {
        answered = true;
        child.stdin.write(`${answer}\n`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe.skipIf(!hasScript)('apply on a terminal', () => {
  it('applies after "yes"', async () => {
    const p = await makeProject({ 'mappings/team.yaml': mappingYaml(pairs(2)) });
    cleanups.push(p.cleanup);
    const r = await applyOnTerminal(p.dir, 'yes');
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('Plan: 2 to add');
    expect(r.output).toContain('Apply complete: 2 added, 0 removed.');
    expect(await livePairs(p.dir)).toEqual(pairStrings(pairs(2)));
  });

  it.each([
    ['another answer', 'y'],
    ['Ctrl-C', '\u0003'],
    ['Ctrl-D', '\u0004'],
  ])('changes nothing after %s', async (_what, answer) => {
    const p = await makeProject({ 'mappings/team.yaml': mappingYaml(pairs(2)) });
    cleanups.push(p.cleanup);
    const r = await applyOnTerminal(p.dir, answer);
    expect(r.code).toBe(1);
    expect(r.output).toContain("error: apply cancelled: only 'yes' is accepted; nothing was changed");
    expect(existsSync(join(p.dir, STORE))).toBe(false);
  });
});
