// The three workflows `mapsync init` writes into an org's repository. Every mapsync step goes
// through the mapsync action (`uses: <owner>/mapsync@<ref>`), so the code that runs with the
// secrets is the pinned action's, never the pull request's; the pull request only brings data.
import type { CrmName } from '../crm/index.js';
import { PINNED } from './pins.js';

export interface WorkflowOptions {
  /** `owner/mapsync@ref` (or `./` in mapsync's own repository): the action every mapsync step uses. */
  action: string;
  /** The CRMs whose credentials the mapsync steps get. */
  crms: readonly CrmName[];
  /** Paths whose changes start plan and apply (default: mappings/ and the config). */
  watch?: readonly string[];
  /**
   * mapsync's own repository only, where the action is the repository itself: the plan job checks
   * out the base branch (the reviewed code of the action) at the root and the pull request's
   * files into this folder, so that a pull request that changes mapsync never runs its own
   * changes with the secrets.
   */
  pullRequestFolder?: string;
}

export const WORKFLOW_FILES = {
  plan: '.github/workflows/mapsync-plan.yml',
  apply: '.github/workflows/mapsync-apply.yml',
  drift: '.github/workflows/mapsync-drift.yml',
} as const;

const DEFAULT_WATCH = ['mappings/**', 'mapsync.config.yaml'];
const watched = (o: WorkflowOptions) => (o.watch ?? DEFAULT_WATCH).map((p) => `      - '${p}'`).join('\n');

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

/** The checkout steps of the plan job: the pull request, or (mapsync's own repository) the base branch's action and the pull request's files beside it. */
function planCheckout(o: WorkflowOptions): string {
  if (o.pullRequestFolder === undefined) {
    return `      - name: Check out the pull request
        uses: ${PINNED.checkout}
        with:
          persist-credentials: false`;
  }
  return `      # The action (uses: ./) is the base branch's reviewed code; the pull request brings only the
      # files in ${o.pullRequestFolder}/, where every mapsync step runs.
      - name: Check out the base branch (the mapsync action that runs)
        uses: ${PINNED.checkout}
        with:
          ref: \${{ github.event.pull_request.base.sha }}
          persist-credentials: false

      - name: Check out the pull request's files
        uses: ${PINNED.checkout}
        with:
          path: ${o.pullRequestFolder}
          persist-credentials: false`;
}

export function planWorkflow(o: WorkflowOptions): string {
  const inFolder = o.pullRequestFolder === undefined ? '' : `\n          working-directory: ${o.pullRequestFolder}`;
  const at = (file: string) => (o.pullRequestFolder === undefined ? file : `${o.pullRequestFolder}/${file}`);
  return `# mapsync plan: on every pull request that touches the mappings, validate the files (errors
# appear on the changed lines) and post the plan as one sticky comment on the pull request.
#
# The pull request brings data only: every mapsync step runs the pinned mapsync action
# (${o.action === './' ? 'this repository\'s action.yml, from the base branch' : o.action}), never code from the pull request.
# This is \`pull_request\`, never \`pull_request_target\`: a fork's pull request runs without
# secrets and gets validation only.
# Keep read-only credentials in the repository secrets and the ones that can write in the
# \`production\` environment (apply): a pull request can edit this workflow file, an environment
# it cannot reach.
name: mapsync plan

on:
  pull_request:
    paths:
${watched(o)}

permissions: {}

# A new push to the same pull request supersedes the plan being made for the previous one.
concurrency:
  group: mapsync-plan-\${{ github.event.pull_request.number }}
  cancel-in-progress: true

jobs:
  plan:
    name: Validate and plan
    runs-on: ubuntu-latest
    timeout-minutes: 15
${liveStoreQueue('    ')}
    permissions:
      contents: read
      pull-requests: write # the plan comment
    steps:
${planCheckout(o)}

      - name: Validate mappings/
        uses: ${o.action}
        with:
          command: validate
          args: --format github${inFolder}

      # Runs after a failed validation too: the comment then says "no plan for this commit" with
      # the errors, instead of leaving an older commit's plan up as if it were current.
      - name: Plan and comment on the pull request
        if: \${{ !cancelled() && github.event.pull_request.head.repo.full_name == github.repository }}
        uses: ${o.action}
        with:
          command: plan
          args: --github-comment --out mapsync-plan.json${inFolder}
        env:
          GITHUB_TOKEN: \${{ github.token }}
${secretsEnv(o.crms, '          ')}

      # The whole plan, one click from the comment: the JSON plan (what apply would run), its
      # text view, and the clicks in the CRM plugin's screen for orgs that keep its list by hand.
      - name: Render the plan as text
        if: \${{ !cancelled() && hashFiles('${at('mapsync-plan.json')}') != '' }}
        uses: ${o.action}
        with:
          command: show
          args: mapsync-plan.json
          output: mapsync-plan.txt${inFolder}

      - name: Render the plugin checklist
        if: \${{ !cancelled() && hashFiles('${at('mapsync-plan.json')}') != '' }}
        uses: ${o.action}
        with:
          command: show
          args: mapsync-plan.json --format checklist
          output: mapsync-checklist.txt${inFolder}

      - name: Upload the mapsync-plan artifact
        if: \${{ !cancelled() && hashFiles('${at('mapsync-plan.json')}') != '' }}
        uses: ${PINNED.uploadArtifact}
        with:
          name: mapsync-plan
          path: |
            ${at('mapsync-plan.json')}
            ${at('mapsync-plan.txt')}
            ${at('mapsync-checklist.txt')}
          if-no-files-found: ignore
          retention-days: 30

      - name: Explain the missing plan on a fork
        if: github.event.pull_request.head.repo.full_name != github.repository
        run: |
          {
            echo '### mapsync plan: not run for a fork'
            echo
            echo 'This pull request comes from a fork, so it runs without the secrets that reading the live store needs. The mappings were validated above.'
            echo
            echo 'A maintainer can see the live plan by pushing this branch to the repository (or running \`npx mapsync plan\` locally) before merging.'
          } >> "$GITHUB_STEP_SUMMARY"
          echo '::notice title=mapsync plan skipped::Pull requests from forks get validation only; a maintainer runs the live plan.'
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
