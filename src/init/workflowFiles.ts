// The four workflows `mapsync init` writes into an org's repository. Every mapsync step goes
// through the mapsync action (`uses: <owner>/mapsync@<ref>`), so the code that runs with the
// secrets is the pinned action's, never the pull request's; the pull request only brings data.
// A pull request's own workflow file runs on pull_request, so the pull request is split in two:
// check (pull_request: no secrets, validates and uploads the data) and plan (workflow_run: from
// the default branch's file, with the read credentials, on that data).
import type { CrmName } from '../crm/index.js';
import { PINNED } from './pins.js';

export interface WorkflowOptions {
  /** `owner/mapsync@ref` (or `./` in mapsync's own repository): the action every mapsync step uses. */
  action: string;
  /** The CRMs whose credentials the mapsync steps get. */
  crms: readonly CrmName[];
  /** Paths whose changes start plan and apply (default: mappings/ and the config). */
  watch?: readonly string[];
  /** The mappings folder (default mappings): the check workflow uploads it for the plan. */
  mappingsDir?: string;
  /**
   * The users CSV of a `plugin-export:PATH` store, committed in the repository (a relative path
   * inside it, checked by `init`): the check workflow uploads it with the mappings, since the plan
   * reads only the artifact, and a change to it starts the workflows like a change to mappings/.
   */
  storeFile?: string;
}

export const WORKFLOW_FILES = {
  check: '.github/workflows/mapsync-check.yml',
  plan: '.github/workflows/mapsync-plan.yml',
  apply: '.github/workflows/mapsync-apply.yml',
  drift: '.github/workflows/mapsync-drift.yml',
} as const;

/** The check workflow's name: the plan workflow's workflow_run trigger names it. */
const CHECK_NAME = 'mapsync check';

const watched = (o: WorkflowOptions) =>
  (o.watch ?? [`${o.mappingsDir ?? 'mappings'}/**`, 'mapsync.config.yaml', ...(o.storeFile ? [o.storeFile] : [])]).map((p) => `      - '${p}'`).join('\n');

/** The credentials of the stores and directories the chosen CRM uses, as step env lines. */
const CRM_SECRETS: Record<CrmName, string[]> = {
  salesforce: ['SF_INSTANCE_URL', 'SF_ACCESS_TOKEN', 'SF_LOGIN_URL', 'SF_USERNAME', 'SF_PASSWORD', 'SF_SECURITY_TOKEN', 'SF_CLIENT_ID', 'SF_JWT_KEY', 'SF_JWT_AUDIENCE', 'SF_CLIENT_SECRET'],
  dynamics: ['DYNAMICS_URL', 'DYNAMICS_TENANT_ID', 'DYNAMICS_CLIENT_ID', 'DYNAMICS_CLIENT_SECRET', 'DYNAMICS_AUTHORITY_HOST', 'DYNAMICS_API_VERSION'],
};

const SNOWFLAKE_SECRETS = ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER', 'SNOWFLAKE_PRIVATE_KEY', 'SNOWFLAKE_WAREHOUSE', 'SNOWFLAKE_ROLE', 'SNOWFLAKE_URL'];

function secretsEnv(crms: readonly CrmName[], indent: string): string {
  const crmLines = crms.flatMap((crm) => CRM_SECRETS[crm]);
  const outreach = ['OUTREACH_ACCESS_TOKEN', 'OUTREACH_CLIENT_ID', 'OUTREACH_CLIENT_SECRET', 'OUTREACH_REFRESH_TOKEN'];
  const lines = [...crmLines, ...outreach].map((name) => `${name}: \${{ secrets.${name} }}`);
  lines.push('# The plugin-share store: Outreach Data Sharing through the Snowflake SQL API (read-only).');
  lines.push(...SNOWFLAKE_SECRETS.map((name) => `${name}: \${{ secrets.${name} }}`));
  lines.push(
    '# Outreach rotates refresh tokens: the newest is kept in this file for the next step, and (with',
    '# MAPSYNC_SECRETS_TOKEN, a token that may write Actions secrets) in OUTREACH_REFRESH_TOKEN for the next run.',
    'OUTREACH_REFRESH_TOKEN_FILE: ${{ runner.temp }}/outreach-refresh-token',
    'MAPSYNC_SECRETS_TOKEN: ${{ secrets.MAPSYNC_SECRETS_TOKEN }}',
  );
  return lines.map((l) => indent + l).join('\n');
}

/**
 * The one queue for everything that reads or writes the live store, the same in every workflow
 * (its group name is what keeps plan, apply and drift apart), indented for a job or the top level.
 */
function liveStoreQueue(indent: string): string {
  return [
    '# One queue for everything that reads or writes the live store (plan, apply, drift): a plan or a',
    '# drift never reads a half-applied store, two applies never overlap, and `queue: max` keeps every',
    '# waiting run in order instead of cancelling the one already waiting.',
    'concurrency:',
    '  group: mapsync-live-store',
    '  cancel-in-progress: false',
    '  queue: max',
  ].map((line) => indent + line).join('\n');
}

/** The folder of the plan job where the pull request's data (the artifact) is unpacked: data only, never run. */
const DATA_FOLDER = 'pull-request';
/** The artifact that carries the pull request's data from the check workflow to the plan workflow. */
const DATA_ARTIFACT = 'mapsync-pull-request';
/** In that artifact: the pull request's number and head commit, as the check workflow saw them. */
const PR_FILES = { number: 'mapsync-pull-request/number', headSha: 'mapsync-pull-request/head-sha' } as const;

/** The artifact's paths, one a line: what the plan reads (the store's CSV too, for plugin-export:PATH). */
function uploadedPaths(o: WorkflowOptions): string {
  const mappings = o.mappingsDir ?? 'mappings';
  const paths = [`${mappings}/`, 'mapsync.config.yaml', ...(o.storeFile ? [o.storeFile] : []), 'mapsync-pull-request/'];
  return paths.map((p) => `            ${p}`).join('\n');
}

export function checkWorkflow(o: WorkflowOptions): string {
  const mappings = o.mappingsDir ?? 'mappings';
  return `# mapsync check: on every pull request that touches the mappings, validate the files (errors
# appear on the changed lines) and hand the pull request's data to the mapsync plan workflow.
#
# GitHub runs a pull request's own copy of this file, so a pull request can change what runs
# here: that is why this workflow gets no secrets and a read-only token, and runs no plan. The
# plan, with the credentials, is made by the mapsync plan workflow (workflow_run), which GitHub
# always runs from the default branch's copy, on the data uploaded here. This is
# \`pull_request\`, never \`pull_request_target\`.
name: ${CHECK_NAME}

on:
  pull_request:
    paths:
${watched(o)}

permissions: {}

# A new push to the same pull request supersedes the check of the previous one.
concurrency:
  group: mapsync-check-\${{ github.event.pull_request.number }}
  cancel-in-progress: true

jobs:
  check:
    name: Validate the pull request
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: read
    steps:
      - name: Check out the pull request
        uses: ${PINNED.checkout}
        with:
          persist-credentials: false

      - name: Validate ${mappings}/
        uses: ${o.action}
        with:
          command: validate
          args: --format github

      # Runs after a failed validation too: the plan workflow then comments "no plan for this
      # commit" with the errors, instead of leaving an older commit's plan up as if it were current.
      - name: Record the pull request's number and head commit
        if: \${{ !cancelled() }}
        env:
          PR_NUMBER: \${{ github.event.pull_request.number }}
          HEAD_SHA: \${{ github.event.pull_request.head.sha }}
        run: |
          mkdir -p mapsync-pull-request
          printf '%s\\n' "$PR_NUMBER" > ${PR_FILES.number}
          printf '%s\\n' "$HEAD_SHA" > ${PR_FILES.headSha}

${o.storeFile ? `      # ${o.storeFile} is the users CSV of the plugin-export store: the plan reads the live list from it.\n` : ''}      - name: Upload the pull request's data for the plan
        if: \${{ !cancelled() }}
        uses: ${PINNED.uploadArtifact}
        with:
          name: ${DATA_ARTIFACT}
          path: |
${uploadedPaths(o)}
          if-no-files-found: error
          retention-days: 7

      - name: Explain the missing plan on a fork
        if: github.event.pull_request.head.repo.full_name != github.repository
        run: |
          {
            echo '### mapsync plan: not run for a fork'
            echo
            echo 'This pull request comes from a fork. The plan reads the live store with the credentials of this repository and posts what it finds, so it is made only for branches of this repository. The mappings were validated above.'
            echo
            echo 'A maintainer can see the live plan by pushing this branch to the repository (or running \`npx mapsync plan\` locally) before merging.'
          } >> "$GITHUB_STEP_SUMMARY"
          echo '::notice title=mapsync plan skipped::Pull requests from forks get validation only; a maintainer runs the live plan.'
`;
}

/** mapsync's own repository: the action (uses: ./) is the default branch's checkout at the workspace root. */
function actionCheckout(o: WorkflowOptions): string {
  if (o.action !== './') return '';
  return `      # The action (uses: ./) is this repository at the default branch's latest commit: a
      # workflow_run run checks that out, never the pull request.
      - name: Check out the default branch (the mapsync action that runs)
        uses: ${PINNED.checkout}
        with:
          persist-credentials: false

`;
}

export function planWorkflow(o: WorkflowOptions): string {
  const data = (args: string) => `${args}\n          working-directory: ${DATA_FOLDER}`;
  const ifPlanned = `\${{ !cancelled() && steps.pr.outcome == 'success' && hashFiles('mapsync-plan.json') != '' }}`;
  return `# mapsync plan: when the mapsync check of a pull request has run, make the plan of its mappings
# against the live store and post it as one sticky comment on the pull request.
#
# Why two workflows: a \`pull_request\` run uses the pull request's own copy of its workflow file,
# so whatever holds the credentials must not be one. This workflow runs on \`workflow_run\`, and
# GitHub always takes a workflow_run workflow from the default branch: a pull request cannot
# change it, and the code that runs is the pinned mapsync action
# (${o.action === './' ? 'this repository\'s action.yml, from the default branch' : o.action}). The pull request's files arrive as
# the ${DATA_ARTIFACT} artifact and are only ever read as data: nothing in them is run, and the
# pull request number in them is checked (a whole number, the commit this run is for, and mapsync
# checks with GitHub that it is that pull request's current head) before anything is posted.
# Pull requests from forks get the check only (see the job's if:).
# Keep read-only credentials in the repository secrets and the ones that can write in the
# \`production\` environment (apply), which only the default branch can reach.
name: mapsync plan

on:
  workflow_run:
    workflows: [${CHECK_NAME}]
    types: [completed]

permissions: {}

# A newer check of the same branch supersedes the plan being made for the previous one.
concurrency:
  group: mapsync-plan-\${{ github.event.workflow_run.head_branch }}
  cancel-in-progress: true

jobs:
  plan:
    name: Plan and comment on the pull request
    # A pull request's check from a branch of this repository that ran to the end: passed, or
    # failed (the comment then says "no plan for this commit" with the errors).
    if: >-
      github.event.workflow_run.event == 'pull_request' &&
      github.event.workflow_run.head_repository.full_name == github.repository &&
      (github.event.workflow_run.conclusion == 'success' || github.event.workflow_run.conclusion == 'failure')
    runs-on: ubuntu-latest
    timeout-minutes: 15
${liveStoreQueue('    ')}
    permissions:
      actions: read # the check run's artifact
      contents: read
      pull-requests: write # the plan comment
    steps:
${actionCheckout(o)}      - name: Download the pull request's data
        uses: ${PINNED.downloadArtifact}
        with:
          name: ${DATA_ARTIFACT}
          path: ${DATA_FOLDER}
          run-id: \${{ github.event.workflow_run.id }}
          github-token: \${{ github.token }}

      # The artifact is the pull request's: its number is accepted only as a whole number, and only
      # when the artifact names the commit GitHub started this run for. Nothing from it is run.
      - name: Check the pull request number and commit
        id: pr
        env:
          HEAD_SHA: \${{ github.event.workflow_run.head_sha }}
        run: |
          set -euo pipefail
          number=$(head -c 32 ${DATA_FOLDER}/${PR_FILES.number} 2>/dev/null | head -n 1 || true)
          sha=$(head -c 64 ${DATA_FOLDER}/${PR_FILES.headSha} 2>/dev/null | head -n 1 || true)
          if ! [[ "$number" =~ ^[1-9][0-9]{0,9}$ ]]; then
            echo '::error title=mapsync plan::the pull request number in the artifact is not a whole number: no plan, no comment'
            exit 1
          fi
          if [ "$sha" != "$HEAD_SHA" ]; then
            echo '::error title=mapsync plan::the artifact names another commit than the one this run is for: no plan, no comment'
            exit 1
          fi
          echo "number=$number" >> "$GITHUB_OUTPUT"

      # mapsync reads the pull request's files in ${DATA_FOLDER}/, links the comment at the pull
      # request's head commit (workflow_run.head_sha), and posts only after GitHub confirms that
      # pull request #N is open from this repository with that head. The plan files are written
      # beside ${DATA_FOLDER}/, not in it, so nothing from the artifact can stand in for them.
      - name: Plan and comment on the pull request
        uses: ${o.action}
        with:
          command: plan
          args: ${data('--github-comment --pr ${{ steps.pr.outputs.number }} --out ../mapsync-plan.json')}
        env:
          GITHUB_TOKEN: \${{ github.token }}
${secretsEnv(o.crms, '          ')}

      # The whole plan, one click from the comment: the JSON plan (what apply would run), its
      # text view, and the clicks in the CRM plugin's screen for orgs that keep its list by hand.
      - name: Render the plan as text
        if: ${ifPlanned}
        uses: ${o.action}
        with:
          command: show
          args: ../mapsync-plan.json
          output: ${data('../mapsync-plan.txt')}

      - name: Render the plugin checklist
        if: ${ifPlanned}
        uses: ${o.action}
        with:
          command: show
          args: ../mapsync-plan.json --format checklist
          output: ${data('../mapsync-checklist.txt')}

      - name: Upload the mapsync-plan artifact
        if: ${ifPlanned}
        uses: ${PINNED.uploadArtifact}
        with:
          name: mapsync-plan
          path: |
            mapsync-plan.json
            mapsync-plan.txt
            mapsync-checklist.txt
          if-no-files-found: ignore
          retention-days: 30
`;
}

export function applyWorkflow(o: WorkflowOptions): string {
  return `# mapsync apply: when mapping changes land on the default branch, make the live store match.
# One apply at a time, behind the protected \`production\` environment (keep the credentials that
# can write there). The outcome is posted on the merged pull request, also when the plan could
# not be made; the plan and the audit journal of every run are kept as an artifact.
name: mapsync apply

on:
  push:
    branches:
      - main # your default branch
    paths:
${watched(o)}
  workflow_dispatch:
    inputs:
      force:
        description: 'Apply even when the plan removes more mappings than the safety guard allows'
        type: boolean
        default: false

permissions: {}

${liveStoreQueue('')}

jobs:
  apply:
    name: Apply mappings/ to the live store
    runs-on: ubuntu-latest
    timeout-minutes: 30
    environment: production
    permissions:
      # The lock every machine sees: apply holds the ref refs/mapsync/locks/<store> while it writes.
      contents: write
      # The outcome is posted on the merged pull request.
      pull-requests: write
      # A read-only store (the CRM plugin's own list): the clicks go to the one mapsync-clicks issue.
      issues: write
    steps:
      - name: Check out
        uses: ${PINNED.checkout}
        with:
          persist-credentials: false

      - name: Validate mappings/
        uses: ${o.action}
        with:
          command: validate
          args: --format github

      - name: Plan
        id: plan
        uses: ${o.action}
        with:
          command: plan
          args: --out mapsync-plan.json
        env:
${secretsEnv(o.crms, '          ')}

      - name: Apply the plan
        uses: ${o.action}
        with:
          command: apply
          # Only a manual run can pass the removal guard, and only when asked to.
          # --github-issue: with a read-only store (store: plugin-share or plugin-export:PATH) nothing is
          # written; the clicks to make are kept in the mapsync-clicks issue and the step passes.
          args: mapsync-plan.json --github-comment --github-issue \${{ github.event_name == 'workflow_dispatch' && inputs.force && '--force' || '' }}
        env:
          # For the lock shared across machines and the outcome comment on the merged pull request.
          GITHUB_TOKEN: \${{ github.token }}
${secretsEnv(o.crms, '          ')}

      # When validation or the plan fails, the apply step never runs: say so on the merged pull
      # request, so that its author does not take silence for success.
      - name: Tell the merged pull request that nothing was applied
        if: \${{ failure() && steps.plan.outcome != 'success' }}
        uses: ${o.action}
        with:
          command: apply
          args: --github-comment --plan-failed
        env:
          GITHUB_TOKEN: \${{ github.token }}

      - name: Keep the plan and the audit journal
        if: always()
        uses: ${PINNED.uploadArtifact}
        with:
          name: mapsync-apply-\${{ github.run_id }}-\${{ github.run_attempt }}
          path: |
            mapsync-plan.json
            .mapsync/
          include-hidden-files: true
          if-no-files-found: ignore
          retention-days: 90
`;
}

export function driftWorkflow(o: WorkflowOptions): string {
  return `# mapsync drift: on a schedule (and on demand), compare the live store with mappings/ and keep
# one open \`mapping-drift\` issue while they differ (closed once they match again), and one
# \`mapsync/suggestions\` pull request with the edits \`mapsync suggest\` proposes from the user
# directories (seats that changed hands).
name: mapsync drift

on:
  schedule:
    - cron: '17 6 * * 1-5' # 06:17 UTC on weekdays
  workflow_dispatch:

permissions: {}

${liveStoreQueue('')}

jobs:
  drift:
    name: Check for drift
    runs-on: ubuntu-latest
    timeout-minutes: 15
    # contents: write for the suggestions branch, pull-requests: write for that pull request and
    # its plan comment, issues: write for the drift issue.
    permissions:
      contents: write
      pull-requests: write
      issues: write
    steps:
      - name: Check out
        uses: ${PINNED.checkout}
        with:
          persist-credentials: false

      - name: Compare the live store with mappings/, update the drift issue and the suggestions PR
        id: drift
        # Exit 2 means drift: the issue is the alert, so the next step turns it into a warning.
        continue-on-error: true
        uses: ${o.action}
        with:
          command: drift
          args: --github-issue --github-pr
        env:
          GITHUB_TOKEN: \${{ github.token }}
${secretsEnv(o.crms, '          ')}

      - name: Drift is a warning, an error fails the run
        if: \${{ steps.drift.outcome == 'failure' }}
        env:
          EXIT_CODE: \${{ steps.drift.outputs.exit-code }}
        run: |
          if [ "$EXIT_CODE" = "2" ]; then
            echo '::warning title=Mapping drift::The live store differs from mappings/; see the open mapping-drift issue.'
            exit 0
          fi
          echo "::error title=Drift check failed::the drift check exited $EXIT_CODE (an error, not drift); its log says why."
          exit 1
`;
}
