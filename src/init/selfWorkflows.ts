// mapsync's own repository runs the workflows `init` writes, on the action from `./` (this
// repository), with both CRMs' credentials and the schema among the watched paths. The plan job
// checks out the base branch as the action and the pull request's files beside it.
import { applyWorkflow, driftWorkflow, planWorkflow, type WorkflowOptions } from './workflowFiles.js';

export const SELF_WORKFLOW_OPTIONS: WorkflowOptions = {
  action: './',
  crms: ['salesforce', 'dynamics'],
  watch: ['mappings/**', 'schema/**', 'mapsync.config.yaml'],
  pullRequestFolder: 'pull-request',
};

export function selfWorkflows(): Record<string, string> {
  return {
    '.github/workflows/plan.yml': planWorkflow(SELF_WORKFLOW_OPTIONS),
    '.github/workflows/apply.yml': applyWorkflow(SELF_WORKFLOW_OPTIONS),
    '.github/workflows/drift.yml': driftWorkflow(SELF_WORKFLOW_OPTIONS),
  };
}
