// mapsync.config.yaml mistakes through the real CLI: one line each, file:line:column for YAML
// syntax (no dangling colon, no excerpt), "did you mean" for mistyped settings at any level.
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const CASES: Array<{ name: string; config: string; says: RegExp }> = [
  { name: 'unclosed flow sequence', config: 'store: [unclosed\n', says: /^error: mapsync\.config\.yaml:\d+:\d+: \S.*[^:]$/ },
  { name: 'unclosed quote', config: "store: 'file:x\n", says: /^error: mapsync\.config\.yaml:\d+:\d+: .*quote[^:]*$/i },
  { name: 'tab indentation', config: 'safety:\n\tminExisting: 3\n', says: /^error: mapsync\.config\.yaml:2:\d+: .*[Tt]ab[^:]*$/ },
  { name: 'compact nested mapping', config: 'store: file: x: y\n', says: /^error: mapsync\.config\.yaml:1:\d+: \S.*[^:]$/ },
  { name: 'bad indentation', config: 'safety:\n  minExisting: 3\n    maxRemovalFraction: 0.5\n', says: /^error: mapsync\.config\.yaml:[23]:\d+: \S.*[^:]$/ },
  { name: 'duplicate key', config: 'store: file:a\nstore: file:b\n', says: /^error: mapsync\.config\.yaml:2:\d+: .*[^:]$/ },
  { name: 'mistyped top-level setting', config: 'stor: file:x\n', says: /^error: mapsync\.config\.yaml: unknown setting "stor" — did you mean store\?$/ },
  { name: 'setting in the wrong case', config: 'mappingsdir: m\n', says: /did you mean mappingsDir\?$/ },
  { name: 'mistyped safety setting', config: 'safety:\n  maxRemovalFractoin: 0.5\n', says: /unknown setting "safety\.maxRemovalFractoin" — did you mean safety\.maxRemovalFraction\?$/ },
  { name: 'mistyped salesforce setting', config: 'salesforce:\n  feild: X__c\n', says: /unknown setting "salesforce\.feild" — did you mean salesforce\.field\?$/ },
  { name: 'unknown setting far from any', config: 'colour: blue\n', says: /^error: mapsync\.config\.yaml: unknown setting "colour"$/ },
];

describe('config file mistakes: one line that says where and what', () => {
  it.each(CASES)('$name', async (c) => {
    const p = await makeProject({ 'mapsync.config.yaml': c.config, 'mappings/a.yaml': 'mappings: []\n' });
    try {
      const r = await runCli(['validate'], { cwd: p.dir });
      expect(r.code).toBe(1);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(c.says);
      // Only the error and its hint: no parser excerpt, no caret line, no stack.
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      expect(r.stdout).toBe('');
    } finally {
      await p.cleanup();
    }
  });
});
