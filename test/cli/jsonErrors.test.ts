// "JSON stays JSON" (CONTRACT §3): every command with --format json prints exactly one JSON
// document on stdout, also when it fails before it has a result; the one-line error still goes
// to stderr. Table over the commands that take --format json and the ways they fail early.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const VALID = 'mappings:\n  - crmUserId: 005000000000001AAA\n    outreachUserId: 1\n';
const BROKEN = 'mappings:\n  - crmUserId: 005000000000001AAA\n    outreachUserId: 0\n';

interface Case {
  name: string;
  args: string[];
  /** The code of the first error (any kebab-case code when not given). */
  code?: string;
  /** A place in the first error, where there is one. */
  place?: { file: string; line: number; column: number };
  env?: Record<string, string>;
}

const CASES: Case[] = [
  { name: 'validate of a folder that does not exist', args: ['validate', '--dir', 'nope', '--format', 'json'], code: 'mappings-folder-missing' },
  { name: 'plan with an unknown store', args: ['plan', '--store', 'sales', '--format', 'json'], code: 'unknown-store' },
  { name: 'drift with an unknown store', args: ['drift', '--store', 'sales', '--format', 'json'], code: 'unknown-store' },
  { name: 'plan with a folder that does not exist', args: ['plan', '--dir', 'nope', '--format', 'json'], code: 'mappings-folder-missing' },
  { name: 'plan over invalid mapping files', args: ['plan', '--dir', 'broken', '--format', 'json'], code: 'schema', place: { file: 'broken/a.yaml', line: 3, column: 21 } },
  { name: 'drift over invalid mapping files', args: ['drift', '--dir', 'broken', '--format', 'json'], code: 'schema', place: { file: 'broken/a.yaml', line: 3, column: 21 } },
  { name: 'plan on Salesforce without credentials', args: ['plan', '--store', 'salesforce', '--format', 'json'] },
  { name: 'show of a missing plan file', args: ['show', 'missing.json', '--format', 'json'], code: 'error' },
  { name: 'plan with a broken config file', args: ['--config', 'bad.config.yaml', 'plan', '--format', 'json'], code: 'config-invalid' },
  { name: 'validate with an unknown option', args: ['validate', '--format', 'json', '--bogus'], code: 'usage' },
  { name: 'plan --format=json with a bad --pr', args: ['plan', '--format=json', '--pr', 'x'], code: 'error' },
];

let project: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  project = await makeProject({
    'mappings/a.yaml': VALID,
    'broken/a.yaml': BROKEN,
    'bad.config.yaml': 'store: [unclosed\n',
  });
});

afterAll(async () => {
  await project?.cleanup();
});

describe('--format json: one JSON document on every failure', () => {
  it.each(CASES)('$name', async (c) => {
    const r = await runCli(c.args, { cwd: project.dir, env: c.env });
    expect(r.code).toBe(1);
    // Exactly one document: JSON.parse refuses trailing content, so a second document fails here.
    const doc = JSON.parse(r.stdout) as { errors: Array<Record<string, unknown>> };
    expect(Object.keys(doc)).toEqual(['errors']);
    expect(doc.errors.length).toBeGreaterThan(0);
    for (const e of doc.errors) {
      expect(typeof e.code).toBe('string');
      expect(e.code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(typeof e.message).toBe('string');
      expect((e.message as string).length).toBeGreaterThan(0);
    }
    if (c.code) expect(doc.errors[0]!.code).toBe(c.code);
    if (c.place) expect(doc.errors[0]).toMatchObject(c.place);
    // The one-line error for people is still on stderr, without a stack trace.
    expect(r.stderr).toMatch(/^error: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a plan that prints its own JSON and then fails adds no second document', async () => {
    // Without a store argument the default file store is empty: plan succeeds with one add.
    const r = await runCli(['plan', '--format', 'json'], { cwd: project.dir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { changes: unknown[] };
    expect(doc.changes).toHaveLength(1);
  });
});
