import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model.js';
import { groupChanges, renderBody, renderMarkdown, renderText, serializePlan, countsLine } from '../../src/plan/render/index.js';
import { crmId } from './fixtures.js';

const plain = pc.createColors(false);

function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    formatVersion: 1,
    store: 'file:.mapsync/live.json',
    liveFingerprint: 'sha256:' + 'a'.repeat(64),
    desiredFingerprint: 'sha256:' + 'b'.repeat(64),
    summary: { add: 2, remove: 2, replace: 1, unchanged: 120 },
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
  it('puts warnings first, then removals, replaces and adds with both names, and a counts line', () => {
    const text = renderText(plan(), { colors: plain });
    expect(text).not.toMatch(/\u001b\[/);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Warnings (1):');
    expect(text).toContain('mapsync will make these changes to file:.mapsync/live.json (CRM user <-> Outreach user), removals first:');
    expect(text).toContain(`~ replace  ${crmId(1)} <-> 7 => 42  Ada Lovelace / Bob Ng  (mappings/emea.yaml:12)`);
    expect(text).toContain(`+ add      ${crmId(3)} <-> 30`);
    expect(text).toContain('(mappings/amer.yaml:4)');
    expect(text).toContain(`- remove   ${crmId(5)} <-> 50`);
    expect(text.indexOf('- remove')).toBeLessThan(text.indexOf('~ replace'));
    expect(text.indexOf('~ replace')).toBeLessThan(text.indexOf('+ add'));
    expect(text).toContain('Warnings (1):\n  ! name-mismatch: CRM user X is "Ada" but Outreach user 7 is "Bob"');
    expect(lines.at(-2)).toBe('Plan: 1 to add, 1 to remove, 1 to replace, 120 unchanged.');
  });

  it('shows the YAML name as a claim beside the directories\' names where it differs', () => {
    const text = renderText(plan({
      changes: [{ action: 'add', crmUserId: crmId(3), outreachUserId: 30, crmUserName: 'Robert Ng', outreachUserName: 'Rob Ng', name: 'Bob', file: 'a.yaml', line: 2 }],
      summary: { add: 1, remove: 0, replace: 0, unchanged: 0 }, warnings: [],
    }), { colors: plain });
    expect(text).toContain(`+ add  ${crmId(3)} <-> 30  Robert Ng / Rob Ng (YAML: Bob)  (a.yaml:2)`);
  });

  it('leads with the refusal when the removal guard stops apply', () => {
    const text = renderText(plan({ warnings: [{ code: 'unsafe-removals', message: 'Too many removals: 40.0% is over 25.0% (4 of 10); apply needs --force' }] }), { colors: plain });
    expect(text.startsWith('apply will refuse this plan without --force:\n  ! unsafe-removals: Too many removals')).toBe(true);
  });

  it('says "No changes" when there is nothing to do', () => {
    const text = renderText(plan({ changes: [], warnings: [], summary: { add: 0, remove: 0, replace: 0, unchanged: 3 } }), { colors: plain });
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
    expect(text.trimEnd().split('\n').at(-1)).toBe('Drift: 1 mapping in mappings/ missing from live, 1 live mapping not in mappings/, 1 mapping differs (same user, other partner), 120 in sync.');
  });

  it('writes every number one way', () => {
    expect(countsLine(plan({ summary: { add: 20_000, remove: 1_500, replace: 0, unchanged: 12_345 } }))).toBe('Plan: 20,000 to add, 1,500 to remove, 12,345 unchanged.');
  });

  it('colours when colours are on, and keeps control characters in names off the terminal', () => {
    const colored = renderText(plan(), { colors: pc.createColors(true) });
    expect(colored).toMatch(/\u001b\[31m- remove/);
    const hostile = renderText(plan({ changes: [{ action: 'add', crmUserId: crmId(3), outreachUserId: 30, name: 'Eve\u001b[2J\nX', file: 'a.yaml', line: 1 }], summary: { add: 1, remove: 0, replace: 0, unchanged: 0 } }), { colors: plain });
    expect(hostile).not.toContain('\u001b');
    expect(hostile).toContain('Eve [2J X');
  });
});

describe('markdown renderer', () => {
  it('is the same body for --format markdown: risk first, then removals, replaces, adds', () => {
    const md = renderMarkdown(plan());
    expect(md).toContain('### mapsync plan: 1 to add, 1 to remove, 1 to replace');
    expect(md).toContain('**Plan: 1 to add, 1 to remove, 1 to replace, 120 unchanged.**');
    const order = ['Warnings (1)', '#### 1 removal', '#### 1 replace', '#### 1 addition'].map((s) => md.indexOf(s));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(md).toContain(`| Ada Lovelace \`${crmId(1)}\` | Bob Ng \`7\` → \`42\` | 🔁 replace (new Outreach user) | \`mappings/emea.yaml:12\` |`);
  });

  it('keeps removals first when cut to a budget, and counts what was cut', () => {
    const many = plan({
      changes: [
        ...Array.from({ length: 30 }, (_, i) => ({ action: 'remove' as const, crmUserId: crmId(100 + i), outreachUserId: 100 + i })),
        ...Array.from({ length: 300 }, (_, i) => ({ action: 'add' as const, crmUserId: crmId(1000 + i), outreachUserId: 1000 + i, file: 'a.yaml', line: i + 2 })),
      ],
      summary: { add: 300, remove: 30, replace: 0, unchanged: 500 },
      warnings: [],
    });
    const body = renderBody(many, { budget: 6_000, fullPlan: 'See the artifact.' });
    expect(body.truncated).toBe(true);
    expect(body.markdown.length).toBeLessThanOrEqual(6_000);
    for (let i = 0; i < 30; i++) expect(body.markdown).toContain(`- ${crmId(100 + i)} <-> ${100 + i}`);
    expect(body.markdown).toMatch(/This lists [\d,]+ of 330 changes to fit GitHub's size limit: all 30 removals, [\d,]+ of 300 additions\. See the artifact\./);
  });
});

describe('JSON renderer', () => {
  it('writes the saved-plan format with stable key order and no errors key when there are none', () => {
    const json = serializePlan(plan());
    const parsed = JSON.parse(json);
    expect(Object.keys(parsed)).toEqual(['formatVersion', 'store', 'liveFingerprint', 'desiredFingerprint', 'summary', 'changes', 'warnings']);
    expect(Object.keys(parsed.changes[0])).toEqual(['action', 'crmUserId', 'outreachUserId', 'crmUserName', 'outreachUserName']);
    expect(Object.keys(parsed.summary)).toEqual(['add', 'remove', 'replace', 'unchanged']);
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
