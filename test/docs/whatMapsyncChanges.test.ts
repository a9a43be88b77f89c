// CONTRACT §10: the README says plainly what mapsync changes and what it cannot (the CRM plugin's
// own list has no public API), where it introduces the tool and where it introduces stores; and
// no text anywhere — README, docs, help output — claims that mapsync clicks the plugin screen.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

/** Wording that would tell an admin mapsync operates the plugin screen for them. */
const CLICK_CLAIM = /(tool|mapsync|it) (does|do|will do|makes|will make) the click|(tool|mapsync) clicks\b|mapsync (will |then )?(click|update)s? (it |them )?(in )?the plugin|writes? (to )?the plugin'?s? (own )?(mapped-user |mapping )?list/i;

async function sourceFiles(dir: string, ext: RegExp): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path, ext)));
    else if (ext.test(entry.name)) out.push(path);
  }
  return out;
}

function section(readme: string, heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThan(0);
  const next = readme.indexOf('\n## ', start + heading.length + 2);
  return readme.slice(start, next < 0 ? undefined : next);
}

describe('README: what mapsync changes, and what it cannot', () => {
  it('says in the opening that the plugin list has no public API, what mapsync reconciles instead, and points at the checklist', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const opening = readme.slice(0, readme.indexOf('\n## '));
    expect(opening).toMatch(/plugin's own mapped-user list[^.]*has no public API/);
    expect(opening).toMatch(/field on the Salesforce User/);
    expect(opening).toMatch(/custom field on the Outreach user/);
    expect(opening).toMatch(/plan --format checklist/);
    expect(opening).toMatch(/mapsync never clicks anything there itself/);
  });

  it('says in Stores what each store writes and how the checklist serves orgs that keep the plugin list by hand', async () => {
    const stores = section(await readFile(join(REPO_ROOT, 'README.md'), 'utf8'), '## Stores');
    expect(stores).toMatch(/has no public API/);
    for (const store of ['`file:PATH`', '`salesforce`', '`outreach`', '`dynamics`']) expect(stores).toContain(`| ${store} |`);
    expect(stores).toMatch(/Outreach_User_Id__c/);
    expect(stores).toMatch(/custom1/);
    expect(stores).toMatch(/new_outreachuserid/);
    expect(stores).toMatch(/keep the plugin's\s+list by hand[^.]*checklist/);
  });

  it('explains the read-only stores: where the CSV comes from, its columns, and plan → clicks → verified', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const exportSection = section(readme, '### `plugin-export:PATH`: the users CSV export (read-only)').replace(/\s+/g, ' ');
    expect(exportSection).toMatch(/Administration\* → \*Users\*, select the users/);
    for (const header of ['`ID`', '`User ID`', '`User External ID`', '`External ID`', '`Name`', '`First Name` + `Last Name`', '`Email`', '`Locked`']) expect(exportSection).toContain(header);
    expect(exportSection).toMatch(/set pluginExport\.columns\.crmUserId/);
    const loop = section(readme, '### Read-only stores: plan → clicks → verified').replace(/\s+/g, ' ');
    expect(loop).toMatch(/`apply` never writes/);
    expect(loop).toMatch(/mapsync-clicks/);
    expect(loop).toMatch(/closes the issue/);
    // Adoption starts from the plugin's real list where the org can read it.
    const adopting = readme.slice(readme.indexOf('### Adopting it in your org'), readme.indexOf('### Commands at a glance'));
    expect(adopting.indexOf('import --store plugin-share')).toBeGreaterThan(0);
    expect(adopting.indexOf('import --store plugin-share')).toBeLessThan(adopting.indexOf('**Choose the store**'));
    const operations = await readFile(join(REPO_ROOT, 'docs/operations.md'), 'utf8');
    expect(operations).toContain('## The clicks loop (read-only stores)');
    expect(operations).toContain('### When the share lags');
  });

  it('has no text, in the README, docs or the source, claiming mapsync does the clicking', async () => {
    const files = [
      join(REPO_ROOT, 'README.md'),
      ...(await sourceFiles(join(REPO_ROOT, 'docs'), /\.md$/)),
      ...(await sourceFiles(join(REPO_ROOT, 'src'), /\.ts$/)),
    ];
    for (const file of files) {
      const text = (await readFile(file, 'utf8')).replace(/\s+/g, ' ');
      expect(text.match(CLICK_CLAIM)?.[0], file).toBeUndefined();
    }
    // The claim the README used to make is caught by the pattern (the check is live).
    expect('git is the record of who changed what and why, and the tool does the clicking.').toMatch(CLICK_CLAIM);
  });

  it('has no such claim in any help text', async () => {
    const top = await runCli(['--help'], { cwd: REPO_ROOT });
    // Every command the CLI lists, whoever added it.
    const commands = [...top.stdout.slice(top.stdout.indexOf('Commands:')).matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['plan', 'apply', 'show']));
    const help = [top, ...(await Promise.all(commands.map((c) => runCli([c, '--help'], { cwd: REPO_ROOT }))))];
    for (const h of help) {
      expect(h.code).toBe(0);
      expect(h.stdout.replace(/\s+/g, ' ')).not.toMatch(CLICK_CLAIM);
    }
  });
});
