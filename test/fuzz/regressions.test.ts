// Bugs the fuzzers found, pinned through the real CLI: `mapsync fmt` on a file that validates
// must succeed, and `fmt --check` right after must find nothing to change.
//  1. A comment holding U+2028 / U+2029 or a lone CR: yaml keeps the character in the comment,
//     but the stringifier's multiline regexes took it for a line break and put a '#' after it,
//     one more on every run — fmt never settled, so `fmt --check` failed forever.
//  2. A tag on an ID or a key (`crmUserId: !!int 0050e9000000000`, `!!int name:`): validate reads
//     the text and accepts the file, but fmt kept the tag and wrote the text as a number
//     (`.inf`, `.nan`), then refused the file it had just accepted.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const ID = '005Hs0000000001IAA';

const cases: Record<string, string> = {
  'U+2028 in a comment': `# owner: sales\u2028ops\nmappings:\n  # EMEA\u2029team\n  - crmUserId: ${ID} # Ada\u2028L.\n    outreachUserId: 1\n`,
  'a lone CR in a comment': `# \ryaml-language-server: $schema=../schema/user-mappings.schema.json\nmappings: []\n`,
  'a !!int tag on an exponent-looking ID': 'mappings:\n  - crmUserId: !!int 0050e9000000000\n    outreachUserId: 1\n',
  'a !!int tag on a key': `mappings:\n  - { crmUserId: ${ID}, outreachUserId: 7, !!int name: Ada }\n`,
};

describe('fmt settles on files the fuzzers found', () => {
  for (const [what, text] of Object.entries(cases)) {
    it(what, async () => {
      const project = await makeProject({ 'mappings/team.yaml': text });
      try {
        const validate = await runCli(['validate'], { cwd: project.dir });
        expect(validate.code, validate.stdout).toBe(0);
        const fmt = await runCli(['fmt'], { cwd: project.dir });
        expect(fmt.code, fmt.stderr).toBe(0);
        const formatted = await readFile(join(project.dir, 'mappings/team.yaml'), 'utf8');
        expect(formatted).not.toMatch(/[\r\u2028\u2029]/);
        expect(formatted).not.toMatch(/!!int|\.inf|\.nan/);
        const check = await runCli(['fmt', '--check'], { cwd: project.dir });
        expect(check.code, check.stdout).toBe(0);
        const again = await runCli(['validate', '--format', 'json'], { cwd: project.dir });
        expect(JSON.parse(again.stdout)).toMatchObject({ valid: true });
      } finally {
        await project.cleanup();
      }
    });
  }
});
