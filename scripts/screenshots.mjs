// `npm run screenshots`: pictures of the plan comment a reviewer sees on a pull request (and of the
// mapsync-clicks issue a read-only store's apply keeps), for docs/ and the README. Each scenario is a real project: the real CLI runs
// `plan --github-comment` against the fake GitHub API of test/fakes, the posted body is rendered
// with GitHub's parser and stylesheet (scripts/githubPage.mjs), and headless Chromium takes the
// picture. Not part of `npm test`: CI has no browser.
//
// Needs Chromium: apt-get update && apt-get install -y chromium fonts-noto-color-emoji
// (or set CHROMIUM=/path/to/chromium).
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { commentPage } from './githubPage.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin/mapsync.js');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TOKEN = 'ghs_screenshotsOnlyNotARealToken000000';
const HEAD_SHA = '3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345';
const PR = 42;
const WIDTH = 930;

const { to18 } = await import(pathToFileURL(join(ROOT, 'dist/crm/salesforceId.js')).href);

/**
 * test/fakes/**.ts transpiled with its folder layout (relative imports keep working) under
 * node_modules/.cache, so that the packages the fakes import resolve from the project.
 */
const FAKES_DIR = join(ROOT, 'node_modules/.cache/mapsync-screenshots');

async function loadFakes() {
  const from = join(ROOT, 'test/fakes');
  const work = FAKES_DIR;
  const files = (await readdir(from, { recursive: true })).filter((f) => f.endsWith('.ts'));
  for (const name of files) {
    const file = join(from, name);
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    const out = join(work, 'fakes', relative(from, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, outputText);
  }
  await writeFile(join(work, 'fakes/package.json'), '{"type": "module"}\n');
  const { startGitHubServer } = await import(pathToFileURL(join(work, 'fakes/githubServer.js')).href);
  const { startFakeSnowflake } = await import(pathToFileURL(join(work, 'fakes/snowflakeServer.js')).href);
  return { startGitHubServer, startFakeSnowflake };
}

function run(command, args, { cwd, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const crm = (n) => to18(`0055e${String(n).padStart(10, '0')}`);

// People for the small and guarded plans; the directories (file store's crmUsers / outreachUsers)
// know both sides, as Salesforce and Outreach would.
const PEOPLE = [
  'Ada Lovelace', 'Grace Hopper', 'Katherine Johnson', 'Alan Turing', 'Mary Somerville', 'Dorothy Vaughan',
  'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Frances Allen', 'John Backus', 'Radia Perlman',
  'Ken Thompson', 'Margaret Hamilton', 'Tim Berners-Lee', 'Hedy Lamarr', 'Claude Shannon', 'Annie Easley',
  'Leslie Lamport', 'Shafi Goldwasser', 'Niklaus Wirth', 'Adele Goldberg', 'Dennis Ritchie', 'Jean Sammet',
];

function yaml(entries) {
  return '# yaml-language-server: $schema=../schema/user-mappings.schema.json\nmappings:\n' +
    entries.map((e) => `  - crmUserId: ${crm(e.n)}\n    outreachUserId: ${e.outreach}\n${e.name ? `    name: ${e.name}\n` : ''}`).join('');
}

/** The file store: live mappings plus both directories (every person and every seat is known). */
function store(live, people, seats) {
  return JSON.stringify({
    mappings: live.map((m) => ({ crmUserId: crm(m.n), outreachUserId: m.outreach, crmUserName: people.get(m.n), outreachUserName: seats.get(m.outreach) })),
    crmUsers: [...people].map(([n, name]) => ({ id: crm(n), name, email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@acme.example`, active: true })),
    outreachUsers: [...seats].map(([id, name]) => ({ id, name, locked: false })),
  });
}

/** A few changes of every kind: adds, a removal, a re-pointed seat, a repurposed seat. */
function smallPlan() {
  const people = new Map(PEOPLE.slice(0, 10).map((name, i) => [i + 1, name]));
  const seats = new Map([...people].map(([n, name]) => [100 + n, name]));
  seats.set(61, 'Bob Ng'); // a seat that changed hands in Outreach: its name no longer matches
  seats.set(230, 'Dan Brown');
  people.set(11, 'Dan Brown');
  const live = [1, 2, 3, 4, 5, 6].map((n) => ({ n, outreach: 100 + n }));
  live.push({ n: 7, outreach: 61 }, { n: 11, outreach: 230 });
  const desired = [1, 2, 3, 4, 5, 6, 8, 9].map((n) => ({ n, outreach: 100 + n, name: people.get(n) }));
  desired.push({ n: 7, outreach: 107, name: people.get(7) });
  return { yaml: yaml(desired), store: store(live, people, seats) };
}

/** A plan that removes more than the removal guard allows (16 of 24). */
function guardedPlan() {
  const people = new Map(PEOPLE.map((name, i) => [i + 1, name]));
  const seats = new Map([...people].map(([n, name]) => [100 + n, name]));
  const live = [...people.keys()].map((n) => ({ n, outreach: 100 + n }));
  const desired = live.slice(0, 8).map((m) => ({ ...m, name: people.get(m.n) }));
  return { yaml: yaml(desired), store: store(live, people, seats) };
}

/** 20,000 changes, 400 of them removals (the risky part), 2,000 unchanged. */
function hugePlan() {
  const people = new Map();
  const seats = new Map();
  const name = (n) => `Rep ${String(n).padStart(5, '0')}`;
  for (let n = 1; n <= 22_000; n++) {
    people.set(n, name(n));
    seats.set(n, name(n));
  }
  const live = [];
  for (let n = 1; n <= 2_400; n++) live.push({ n, outreach: n }); // 1..400 go, 401..2,400 stay
  const desired = [];
  for (let n = 401; n <= 22_000; n++) desired.push({ n, outreach: n, name: name(n) });
  return { yaml: yaml(desired), store: store(live, people, seats) };
}

// The CRM plugin's own list, read from Outreach Data Sharing (the plugin-share store) through the
// fake Snowflake SQL API: what an org that keeps the plugin's list by hand sees. mappings/ wants
// eight pairs; the plugin has two seats swapped, a seat that changed hands (now Bob Ng's), a seat
// left unmapped, one CRM user on two seats and a mapping mappings/ does not have.
const SHARE = { org: '4711', account: 'xy12345.us-east-1', user: 'mapsync_reader', database: 'OUTREACH_SHARE', schema: 'PUBLIC', warehouse: 'MAPSYNC_WH' };
// The share's rows were last changed two hours before the run (on a quarter hour): the plan's
// "plugin list as of", earlier than the "Planned …" time the clicks issue gives the run itself.
const SHARE_CHANGED_AT = Math.floor((Date.now() / 1000 - 7_200) / 900) * 900;

function sharePlan() {
  const people = new Map(PEOPLE.slice(0, 9).map((name, i) => [i + 1, name]));
  const desired = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ n, outreach: 100 + n, name: people.get(n) }));
  const seatNames = new Map([...people].map(([n, name]) => [100 + n, name]));
  seatNames.set(106, 'Bob Ng');
  seatNames.set(109, 'Barbara Liskov');
  seatNames.set(110, 'Donald Knuth');
  const plugin = [[101, 1], [102, 2], [103, 3], [104, 5], [105, 4], [106, 6], [108, 8], [109, 8], [110, 9]];
  const user = (id, name) => {
    const [first, ...last] = name.split(' ');
    return { ID: String(id), O_ID: SHARE.org, FIRST_NAME: first, LAST_NAME: last.join(' '), EMAIL: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@acme.example`, DML_AT: SHARE_CHANGED_AT };
  };
  return {
    yaml: yaml(desired),
    config: `store: plugin-share\npluginShare:\n  orgId: "${SHARE.org}"\n  database: ${SHARE.database}\n  schema: ${SHARE.schema}\n`,
    users: [...seatNames].map(([id, name]) => user(id, name)),
    pluginMappings: plugin.map(([seat, n]) => ({ O_ID: SHARE.org, VALUE_TYPE: 'User', VALUE_ID: String(seat), EXTERNAL_TYPE: 'User', EXTERNAL_ID: crm(n), ENABLED_AT: SHARE_CHANGED_AT - 86_400, DML_AT: SHARE_CHANGED_AT })),
  };
}

/** The fake Snowflake holding the share's rows, and the SNOWFLAKE_* environment that reaches it. */
async function startShare(fakes, scenario) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const fake = await fakes.startFakeSnowflake({
    account: 'XY12345', user: 'MAPSYNC_READER', publicKey, database: SHARE.database, schema: SHARE.schema, warehouse: SHARE.warehouse,
    users: scenario.users, pluginMappings: scenario.pluginMappings,
  });
  const env = {
    SNOWFLAKE_ACCOUNT: SHARE.account, SNOWFLAKE_USER: SHARE.user, SNOWFLAKE_WAREHOUSE: SHARE.warehouse, SNOWFLAKE_URL: fake.url,
    SNOWFLAKE_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  return { env, close: () => fake.close() };
}

const SCENARIOS = [
  { file: 'pr-comment-small.png', title: 'small plan', make: smallPlan },
  { file: 'pr-comment-guarded.png', title: 'removal guard', make: guardedPlan },
  // The whole comment is some 7,500 px tall; the picture is what a reviewer sees above the fold.
  { file: 'pr-comment-20000.png', title: '20,000 changes', make: hugePlan, maxHeight: 1100 },
  // The plugin's own list (read-only): the comment leads with the clicks and says how fresh the list was.
  { file: 'pr-comment-plugin-share.png', title: 'read-only plan (plugin-share)', make: sharePlan, share: true },
  // What the apply workflow keeps for the same plan after the merge: the one open mapsync-clicks issue.
  { file: 'issue-mapsync-clicks.png', title: 'mapsync-clicks issue', make: sharePlan, share: true, issue: true },
];

/**
 * The Markdown a person sees for a scenario: the plan comment `plan --github-comment` posts, or for
 * an `issue` scenario the mapsync-clicks issue `apply --github-issue` keeps (with its title).
 */
async function postedBody(work, fakes, scenario) {
  const dir = join(work, scenario.file.replace(/\.png$/, ''));
  const made = scenario.make();
  await mkdir(join(dir, 'mappings'), { recursive: true });
  await writeFile(join(dir, 'mappings/team.yaml'), made.yaml);
  if (made.config) await writeFile(join(dir, 'mapsync.config.yaml'), made.config);
  if (made.store) {
    await mkdir(join(dir, '.mapsync'), { recursive: true });
    await writeFile(join(dir, '.mapsync/live.json'), made.store);
  }
  await writeFile(join(dir, 'event.json'), JSON.stringify(scenario.issue
    ? { ref: 'refs/heads/main', after: HEAD_SHA }
    : { number: PR, pull_request: { number: PR, head: { sha: HEAD_SHA, ref: 'update-mappings' } } }));
  const share = scenario.share ? await startShare(fakes, made) : undefined;
  const github = await fakes.startGitHubServer({ token: TOKEN });
  try {
    const args = scenario.issue ? ['apply', '--auto-approve', '--github-issue'] : ['plan', '--github-comment'];
    const result = await run(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: {
        ...share?.env,
        GITHUB_TOKEN: TOKEN,
        GITHUB_REPOSITORY: 'acme/crm-mappings',
        GITHUB_API_URL: github.url,
        GITHUB_EVENT_PATH: join(dir, 'event.json'),
        GITHUB_SHA: HEAD_SHA,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '123456',
        GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md'),
      },
    });
    if (result.code !== 0) throw new Error(`${args.join(' ')} failed for ${scenario.title} (exit ${result.code}):\n${result.stderr}`);
    if (scenario.issue) {
      const issue = github.issues.find((i) => i.labels.includes('mapsync-clicks'));
      if (!issue) throw new Error(`no mapsync-clicks issue was opened for ${scenario.title}`);
      return { body: issue.body, issueTitle: issue.title };
    }
    const [comment] = github.commentsOn(PR);
    if (!comment) throw new Error(`no comment was posted for ${scenario.title}`);
    return { body: comment.body };
  } finally {
    await github.close();
    await share?.close();
  }
}

/** Two passes of the plain Chromium CLI: one to learn the page height, one to take the picture at it. */
async function screenshot(html, png, work, maxHeight = Infinity) {
  const page = join(work, `${png.replace(/[^a-z0-9]+/gi, '-')}.html`);
  await writeFile(page, html);
  const flags = (profile) => ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${profile}`];
  const profile = await mkdtemp(join(tmpdir(), 'mapsync-chromium-'));
  try {
    const dom = await run(CHROMIUM, [...flags(profile), `--window-size=${WIDTH},800`, '--dump-dom', pathToFileURL(page).href]);
    const pageHeight = Number(/<title>height=(\d+)<\/title>/.exec(dom.stdout)?.[1]);
    const height = Math.min(pageHeight, maxHeight);
    if (!height) throw new Error(`Chromium did not report the page height:\n${dom.stderr.slice(0, 2000)}`);
    const shot = await run(CHROMIUM, [...flags(profile), `--window-size=${WIDTH},${height}`, `--screenshot=${png}`, pathToFileURL(page).href]);
    if (shot.code !== 0 || !existsSync(png)) throw new Error(`Chromium could not take ${png}:\n${shot.stderr.slice(0, 2000)}`);
    return height;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

if (!existsSync(CHROMIUM)) {
  process.stderr.write(`screenshots: no Chromium at ${CHROMIUM}; install it (apt-get install -y chromium) or set CHROMIUM\n`);
  process.exit(1);
}
const work = await mkdtemp(join(tmpdir(), 'mapsync-screenshots-'));
try {
  const fakes = await loadFakes();
  await mkdir(join(ROOT, 'docs'), { recursive: true });
  for (const scenario of SCENARIOS) {
    const { body, issueTitle } = await postedBody(work, fakes, scenario);
    // SCREENSHOTS_MARKDOWN=DIR keeps the posted bodies, to read what the pictures show.
    if (process.env.SCREENSHOTS_MARKDOWN) await writeFile(join(process.env.SCREENSHOTS_MARKDOWN, scenario.file.replace(/\.png$/, '.md')), body);
    const png = join(ROOT, 'docs', scenario.file);
    const height = await screenshot(await commentPage(body, { title: scenario.title, issueTitle }), png, work, scenario.maxHeight);
    process.stdout.write(`docs/${scenario.file}: ${scenario.title}, ${body.length.toLocaleString('en-US')} characters of Markdown, ${WIDTH}x${height} px\n`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
  await rm(FAKES_DIR, { recursive: true, force: true });
}
