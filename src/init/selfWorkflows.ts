// mapsync's own repository runs the workflows `init` writes, on the action from `./` (this
// repository), with both CRMs' credentials and the schema among the watched paths. The check
// (pull_request, no secrets) runs the pull request's own action; the plan (workflow_run) checks out
// the default branch as the action and reads the pull request's files from the artifact.
import { applyWorkflow, checkWorkflow, driftWorkflow, planWorkflow, type WorkflowOptions } from './workflowFiles.js';

export const SELF_WORKFLOW_OPTIONS: WorkflowOptions = {
  action: './',
  crms: ['salesforce', 'dynamics'],
  watch: ['mappings/**', 'schema/**', 'mapsync.config.yaml'],
};

export function selfWorkflows(): Record<string, string> {
  return {
    '.github/workflows/check.yml': checkWorkflow(SELF_WORKFLOW_OPTIONS),
    '.github/workflows/plan.yml': planWorkflow(SELF_WORKFLOW_OPTIONS),
    '.github/workflows/apply.yml': applyWorkflow(SELF_WORKFLOW_OPTIONS),
    '.github/workflows/drift.yml': driftWorkflow(SELF_WORKFLOW_OPTIONS),
  };
}
