// The Markdown the PR comment and drift issue are made of: dense logic, so unit tests.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model.js';
import { PLAN_MARKER, renderPlanMarkdown } from '../../src/github/planMarkdown.js';
import { appendStepSummary, fitMarkdownBytes } from '../../src/github/stepSummary.js';
import { userId } from './helpers.js';

const base = { serverUrl: 'https://github.com', owner: 'acme', repo: 'crm-mappings', fullPlanHint: 'See the job summary.', budget: 65_000 };

function plan(partial: Partial<Plan>): Plan {
  return {
    formatVersion: 1, store: 'salesforce', liveFingerprint: 'sha256:a', desiredFingerprint: 'sha256:b',
    summary: { add: 0, remove: 0, unchanged: 3 }, changes: [], warnings: [], ...partial,
  };
}

describe('renderPlanMarkdown', () => {
  it('says plainly when there is nothing to apply', () => {
    const { markdown, truncated } = renderPlanMarkdown(plan({}), { ...base, marker: PLAN_MARKER });
    expect(markdown.split('\n')[0]).toBe(PLAN_MARKER);
    expect(markdown).toContain('### mapsync plan: no changes');
    expect(markdown).toContain('**Merging applies nothing:** `salesforce` already matches `mappings/`.');
    expect(markdown).not.toContain('```diff');
    expect(truncated).toBe(false);
  });

  it('puts the removal guard in a caution box and says apply will stop', () => {
    const p = plan({
      summary: { add: 0, remove: 1, unchanged: 3 },
      changes: [{ action: 'remove', crmUserId: userId(1), outreachUserId: 7 }],
      warnings: [{ code: 'unsafe-removals', message: 'Too many removals: 40.00% is over 25.00% (4/10)' }],
    });
    const { markdown } = renderPlanMarkdown(p, base);
    expect(markdown).toMatch(/> \[!CAUTION\]\n> .*unsafe-removals.*Too many removals/);
    expect(markdown).toContain('apply stops at the removal guard');
  });

  it('lists errors with file:line:column and says nothing can be applied', () => {
    const p = plan({
      summary: { add: 1, remove: 0, unchanged: 3 },
      changes: [{ action: 'add', crmUserId: userId(1), outreachUserId: 7, file: 'mappings/a.yaml', line: 3 }],
      errors: [{ code: 'unknown-crm-user', message: 'no CRM user 005…', file: 'mappings/a.yaml', line: 3, column: 16 }],
    });
    const { markdown } = renderPlanMarkdown(p, base);
    expect(markdown).toContain('### mapsync plan: 1 to add (with errors)');
    expect(markdown).toContain('`mappings/a.yaml:3:16`');
    expect(markdown).toContain('**Merging applies nothing** until the errors above are fixed.');
  });

  it('keeps the true warning count when it lists only the first 50', () => {
    const warnings = Array.from({ length: 80 }, (_, i) => ({ code: 'name-mismatch' as const, message: `mismatch ${i}` }));
    const { markdown } = renderPlanMarkdown(plan({ warnings }), base);
    expect(markdown).toContain('**Warnings (80)**');
    expect(markdown).toContain('mismatch 49');
    expect(markdown).not.toContain('mismatch 50');
    expect(markdown).toContain('- … and 30 more warnings');
  });

  it('names from the data cannot mention people, inject HTML or close the code block', () => {
    const p = plan({
      summary: { add: 1, remove: 0, unchanged: 0 },
      changes: [{ action: 'add', crmUserId: userId(1), outreachUserId: 7, name: '@acme/admins ```<img src=x>', file: 'mappings/a.yaml', line: 3 }],
      warnings: [{ code: 'name-mismatch', message: 'ping @octocat <script>x</script> ada@example.com' }],
    });
    const { markdown } = renderPlanMarkdown(p, base);
    expect(markdown).not.toMatch(/(^|\s)@acme/);
    expect(markdown).not.toMatch(/(^|\s)@octocat/);
    expect(markdown).toContain('ada@example.com');
    expect(markdown).not.toContain('<script>');
    expect(markdown.match(/^```/gm)).toHaveLength(2);
  });

  it('cuts a long diff to the budget but keeps the verdict, and folds it', () => {
    const changes = Array.from({ length: 3000 }, (_, i) => ({ action: 'add' as const, crmUserId: userId(i + 1), outreachUserId: i + 1, file: 'mappings/a.yaml', line: i + 2 }));
    const result = renderPlanMarkdown(plan({ summary: { add: 3000, remove: 0, unchanged: 0 }, changes }), { ...base, budget: 20_000 });
    expect(result.markdown.length).toBeLessThanOrEqual(20_000);
    expect(result.truncated).toBe(true);
    expect(result.shownChanges).toBeGreaterThan(100);
    expect(result.markdown).toContain(`<summary>Show the first ${result.shownChanges} of 3,000 changes</summary>`);
    expect(result.markdown).toContain(`${result.shownChanges} of 3,000 changes are listed. See the job summary.`);
    expect(result.markdown).toContain('**Merging applies these 3,000 changes');
  });
});

describe('job summary', () => {
  it('appends within 1 MiB per step, closing a cut code block, and redacts secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mapsync-summary-'));
    try {
      const file = join(dir, 'summary.md');
      await writeFile(file, 'x'.repeat(1024 * 1024 - 5000));
      const token = 'ghs_summaryTokenSummaryToken123';
      const big = ['## plan', '```diff', ...Array.from({ length: 1000 }, (_, i) => `+ line ${i} ${token}`), '```'].join('\n');
      await appendStepSummary(big, { GITHUB_STEP_SUMMARY: file, GITHUB_TOKEN: token });
      const text = await readFile(file, 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024 * 1024);
      expect(text).not.toContain(token);
      expect(text.slice(1024 * 1024 - 5000).match(/^```/gm)).toHaveLength(2);
      expect(text).toContain('GitHub keeps at most 1 MiB of job summary per step');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is a no-op without GITHUB_STEP_SUMMARY', async () => {
    await expect(appendStepSummary('# hi', {})).resolves.toBeUndefined();
  });

  it('closes an open <details> when it has to cut inside one', () => {
    const md = `<details>\n<summary>s</summary>\n\n\`\`\`diff\n${'+ a line\n'.repeat(500)}\`\`\`\n\n</details>\n`;
    const cut = fitMarkdownBytes(md, 1000);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(1000);
    expect(cut.match(/^```/gm)).toHaveLength(2);
    expect(cut).toContain('</details>');
  });
});
