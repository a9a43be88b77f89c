// One root cause, one error (CONTRACT §3): a YAML syntax mistake anywhere in a realistic file is
// exactly one error, at the line of the mistake, and the verdict says the file's mappings are
// not counted. A table of every kind through the real CLI, then a property over random files
// and random places for each kind of mistake.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFileText } from '../../dist/desired/load.js';
import { makeProject, runCli, type CliResult } from '../helpers/cli.js';
import { id } from './cases.js';

/** A valid file of `n` entries; entry i occupies lines 3i+2 .. 3i+4 (1-based). */
function realistic(n: number): string[] {
  const lines = ['mappings:'];
  for (let i = 0; i < n; i++) lines.push(`  - crmUserId: ${id(5000 + i)}`, `    outreachUserId: ${7000 + i}`, `    name: Person ${i}`);
  return lines;
}
const crmLine = (entry: number) => 2 + 3 * entry; // 1-based
const outreachLine = (entry: number) => 3 + 3 * entry;

/** A mistake made on one line of a realistic file: the new line, and where the error must be. */
interface Mistake {
  name: string;
  /** Which line (1-based) of the entry it damages. */
  line: (entry: number) => number;
  damage: (line: string) => string;
  /** Where the error must be, when not on the damaged line. */
  reported?: (entry: number) => number;
}

const MISTAKES: Mistake[] = [
  { name: 'a tab as indentation', line: outreachLine, damage: (l) => l.replace(/^ {4}/, '\t') },
  { name: 'a tab after the item dash', line: crmLine, damage: (l) => l.replace('- ', '-\t') },
  { name: 'an unclosed double quote', line: crmLine, damage: (l) => l.replace('crmUserId: ', 'crmUserId: "') },
  { name: "an unclosed single quote", line: crmLine, damage: (l) => l.replace('crmUserId: ', "crmUserId: '") },
  { name: 'a key indented too deep', line: outreachLine, damage: (l) => `  ${l}` },
  { name: 'a key indented too little', line: outreachLine, damage: (l) => l.slice(1) },
  // The first item sets the list's indentation, so there the next line is the one that is off.
  { name: 'an item dash indented too deep', line: crmLine, damage: (l) => `   ${l}`, reported: (entry) => (entry === 0 ? outreachLine(0) : crmLine(entry)) },
  { name: 'an unclosed flow map', line: crmLine, damage: (l) => l.replace('crmUserId: ', 'crmUserId: {') },
  { name: 'an unclosed flow sequence', line: outreachLine, damage: (l) => l.replace(/\d+$/, (n) => `[${n}`) },
];

function damaged(entries: number, at: number, mistake: Mistake): { text: string; line: number } {
  const lines = realistic(entries);
  const line = mistake.line(at);
  lines[line - 1] = mistake.damage(lines[line - 1]!);
  return { text: lines.join('\n') + '\n', line: mistake.reported?.(at) ?? line };
}

describe('YAML syntax mistakes through the real CLI: one error each, at its line', () => {
  const ENTRIES = 20;
  const AT = 7;
  let project: { dir: string; cleanup: () => Promise<void> };
  let result: CliResult;
  let text: CliResult;
  const fileOf = (i: number) => `mappings/m${String(i).padStart(2, '0')}.yaml`;

  beforeAll(async () => {
    const files: Record<string, string> = {};
    MISTAKES.forEach((m, i) => (files[fileOf(i)] = damaged(ENTRIES, AT, m).text));
    files['mappings/fine.yaml'] = 'mappings:\n  - crmUserId: ' + id(1) + '\n    outreachUserId: 1\n';
    project = await makeProject(files);
    result = await runCli(['validate', '--format', 'json'], { cwd: project.dir });
    text = await runCli(['validate'], { cwd: project.dir });
  });
  afterAll(async () => {
    await project?.cleanup();
  });

  it.each(MISTAKES.map((m, i) => ({ ...m, i })))('$name', (m) => {
    const report = JSON.parse(result.stdout) as { errors: Array<{ file: string; line: number; code: string }> };
    const errors = report.errors.filter((e) => e.file === fileOf(m.i));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('yaml-syntax');
    expect(errors[0]!.line).toBe(damaged(ENTRIES, AT, m).line);
  });

  it('the verdict counts the files with errors and says their mappings are not counted', () => {
    expect(result.code).toBe(1);
    const last = text.stdout.trimEnd().split('\n').at(-1)!;
    const n = MISTAKES.length;
    expect(last).toBe(`invalid: ${n} errors in ${n} files (of ${n + 1} files, 1 mapping; ${n} files could not be read, so their mappings are not counted)`);
  });
});

describe('YAML syntax mistakes anywhere: exactly one error (property)', () => {
  it('any mistake, in any entry of a file of any size, is one error at its line', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), fc.constantFrom(...MISTAKES), (entries, pick, mistake) => {
        const at = pick % entries;
        const { text, line } = damaged(entries, at, mistake);
        const { errors } = checkFileText('mappings/x.yaml', text);
        expect(errors.map((e) => `${e.line} ${e.code}`), `${mistake.name} in entry ${at} of ${entries}`).toEqual([`${line} yaml-syntax`]);
      }),
      { seed: 1313, numRuns: 1500 },
    );
  });
});
