import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model.js';
import { diffLines, groupChanges, renderMarkdown, renderText, serializePlan, warningsMarkdown, countsLine } from '../../src/plan/render/index.js';
import { crmId } from './fixtures.js';

const plain = pc.createColors(false);

function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    formatVersion: 1,
    store: 'file:.mapsync/live.json',
    liveFingerprint: 'sha256:' + 'a'.repeat(64),
    desiredFingerprint: 'sha256:' + 'b'.repeat(64),
    summary: { add: 2, remove: 2, unchanged: 120 },
    changes: [
      { action: 'remove', crmUserId: crmId(1), outreachUserId: 7, crmUserName: 'Ada Lovelace', outreachUserName: 'Bob Ng' },
      { action: 'remove', crmUserId: crmId(5), outreachUserId: 50, crmUserName: 'Eve', outreachUserName: 'Eve' },
      { action: 'add', crmUserId: crmId(1), outreachUserId: 42, name: 'Ada Lovelace', file: 'mappings/emea.yaml', line: 12 },
      { action: 'add', crmUserId: crmId(3), outreachUserId: 30, file: 'mappings/amer.yaml', line: 4 },
    ],
    warnings: [{ code: 'name-mismatch', message: 'CRM user X is "Ada" but Outreach user 7 is "Bob"', crmUserId: crmId(1), outreachUserId: 7 }],
    ...overrides,
  };
}

describe('grouping re-pointed seats', () => {
  it('joins a remove and an add of the same CRM user, or of the same Outreach user, into a replace', () => {
    const groups = groupChanges([
      { action: 'remove', crmUserId: crmId(1), outreachUserId: 7 },
      { action: 'remove', crmUserId: crmId(2), outreachUserId: 8 },
      { action: 'remove', crmUserId: crmId(4), outreachUserId: 9 },
      { action: 'add', crmUserId: crmId(1), outreachUserId: 42, file: 'a.yaml', line: 1 },
      { action: 'add', crmUserId: crmId(3), outreachUserId: 8, file: 'a.yaml', line: 2 },
      { action: 'add', crmUserId: crmId(6), outreachUserId: 60, file: 'a.yaml', line: 3 },
    ]);
    expect(groups.map((g) => (g.kind === 'replace' ? `replace-${g.same}` : g.kind))).toEqual(['replace-crm', 'replace-outreach', 'remove', 'add']);
  });
});

describe('text renderer', () => {
  it('lists removes, adds and replaces with names, then warnings and a counts line', () => {
    const text = renderText(plan(), { colors: plain });
    expect(text).not.toMatch(/\u001b\[/);
    const lines = text.split('\n');
    expect(lines[0]).toBe('mapsync will make these changes to file:.mapsync/live.json (CRM user <-> Outreach user):');
    expect(text).toContain(`~ replace  ${crmId(1)} <-> 7 => 42  Ada Lovelace / Bob Ng => Ada Lovelace  (mappings/emea.yaml:12)`);
    expect(text).toContain(`+ add      ${crmId(3)} <-> 30`);
    expect(text).toContain('(mappings/amer.yaml:4)');
    expect(text).toContain(`- remove   ${crmId(5)} <-> 50`);
    expect(text).toContain('Eve');
    expect(text).toContain('Warnings (1):\n  ! name-mismatch: CRM user X is "Ada" but Outreach user 7 is "Bob"');
    expect(lines.at(-2)).toBe('Plan: 2 to add, 2 to remove, 120 unchanged.');
  });

  it('says "No changes" when there is nothing to do', () => {
    const text = renderText(plan({ changes: [], warnings: [], summary: { add: 0, remove: 0, unchanged: 3 } }), { colors: plain });
    expect(text).toBe('No changes. Live mappings match mappings/ (3 mappings).\n');
  });

  it('lists errors with file:line:column', () => {
    const text = renderText(plan({ errors: [{ code: 'unknown-crm-user', message: 'CRM user Y is not in Salesforce', file: 'mappings/emea.yaml', line: 12, column: 5 }] }), { colors: plain });
    expect(text).toContain('mappings/emea.yaml:12:5: error: CRM user Y is not in Salesforce [unknown-crm-user]');
  });

  it('phrases drift as drift', () => {
    const text = renderText(plan(), { colors: plain, mode: 'drift' });
    expect(text).toContain('Live mappings in file:.mapsync/live.json differ from mappings/');
    expect(text).toContain(`live only  ${crmId(5)} <-> 50`);
    expect(text).toContain(`missing    ${crmId(3)} <-> 30`);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Drift: 2 mappings in mappings/ missing from live, 2 live mappings not in mappings/, 120 in sync.');
  });

  it('colours when colours are on, and keeps control characters in names off the terminal', () => {
    const colored = renderText(plan(), { colors: pc.createColors(true) });
    expect(colored).toMatch(/\u001b\[31m- remove/);
    const hostile = renderText(plan({ changes: [{ action: 'add', crmUserId: crmId(3), outreachUserId: 30, name: 'Eve\u001b[2J\nX', file: 'a.yaml', line: 1 }], summary: { add: 1, remove: 0, unchanged: 0 } }), { colors: plain });
    expect(hostile).not.toContain('\u001b');
    expect(hostile).toContain('Eve [2J X');
  });
});

describe('markdown renderer', () => {
  it('renders a diff block, the warnings and the counts', () => {
    const md = renderMarkdown(plan());
    expect(md).toContain('### mapsync plan · `file:.mapsync/live.json`');
    expect(md).toContain('**Plan: 2 to add, 2 to remove, 120 unchanged.**');
    const block = md.slice(md.indexOf('```diff\n') + 8, md.indexOf('\n```\n'));
    expect(block.split('\n').map((l) => l[0])).toEqual(['-', '+', '+', '-']);
    expect(block.split('\n')[0]).toContain(`- ${crmId(1)} <-> 7`);
    expect(block.split('\n')[1]).toContain(`+ ${crmId(1)} <-> 42`);
    expect(md).toContain('- ⚠️ `name-mismatch` CRM user X is "Ada" but Outreach user 7 is "Bob"');
  });

  it('exports building blocks: diffLines, warningsMarkdown, countsLine', () => {
    expect(diffLines(plan())).toHaveLength(4);
    expect(warningsMarkdown(plan({ warnings: [] }))).toBe('');
    expect(countsLine(plan())).toBe('Plan: 2 to add, 2 to remove, 120 unchanged.');
  });

  it('escapes names and messages so they cannot inject Markdown, HTML or close the fence', () => {
    const md = renderMarkdown(plan({
      changes: [{ action: 'add', crmUserId: crmId(3), outreachUserId: 30, name: 'Eve ```\n# pwned', file: 'a.yaml', line: 1 }],
      warnings: [{ code: 'name-mismatch', message: '<img src=x> [link](http://x) @team' }],
      summary: { add: 1, remove: 0, unchanged: 0 },
    }));
    expect(md.match(/```/g)).toHaveLength(2);
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;img src=x&gt;');
    expect(md).toContain('\\[link\\]\\(http://x\\)');
  });

  it('puts warnings before the diff, so a summary cut for size keeps them', () => {
    const md = renderMarkdown(plan(), { maxLines: 1 });
    expect(md.indexOf('name-mismatch')).toBeGreaterThan(0);
    expect(md.indexOf('name-mismatch')).toBeLessThan(md.indexOf('```diff'));
  });

  it('cuts long diffs when asked', () => {
    const md = renderMarkdown(plan(), { maxLines: 1 });
    expect(md).toContain('_…and 3 more lines not shown._');
  });
});

describe('JSON renderer', () => {
  it('writes the saved-plan format with stable key order and no errors key when there are none', () => {
    const json = serializePlan(plan());
    const parsed = JSON.parse(json);
    expect(Object.keys(parsed)).toEqual(['formatVersion', 'store', 'liveFingerprint', 'desiredFingerprint', 'summary', 'changes', 'warnings']);
    expect(Object.keys(parsed.changes[0])).toEqual(['action', 'crmUserId', 'outreachUserId', 'crmUserName', 'outreachUserName']);
    expect(Object.keys(parsed.changes[2])).toEqual(['action', 'crmUserId', 'outreachUserId', 'name', 'file', 'line']);
    expect(Object.keys(parsed.changes[3])).toEqual(['action', 'crmUserId', 'outreachUserId', 'file', 'line']);
    expect(Object.keys(parsed.warnings[0])).toEqual(['code', 'message', 'crmUserId', 'outreachUserId']);
    expect(json.endsWith('}\n')).toBe(true);
  });

  it('is byte-identical for the same plan built with keys in another order', () => {
    const p = plan();
    const shuffled = JSON.parse(JSON.stringify({ warnings: p.warnings, changes: p.changes.map((c) => Object.fromEntries(Object.entries(c).reverse())), summary: p.summary, store: p.store, desiredFingerprint: p.desiredFingerprint, liveFingerprint: p.liveFingerprint, formatVersion: 1 }));
    expect(serializePlan(shuffled)).toBe(serializePlan(p));
  });

  it('includes errors only when there are some', () => {
    expect(JSON.parse(serializePlan(plan({ errors: [] })))).not.toHaveProperty('errors');
    const withErrors = JSON.parse(serializePlan(plan({ errors: [{ code: 'unknown-outreach-user', message: 'm', file: 'a.yaml', line: 2, column: 3 }] })));
    expect(withErrors.errors).toEqual([{ code: 'unknown-outreach-user', message: 'm', file: 'a.yaml', line: 2, column: 3 }]);
  });
});
