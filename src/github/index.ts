// What the plan, drift and validate commands call. Each piece lives in its own file.
export { publishPlanComment, publishPlanFailure } from './planComment.js';
export { syncDriftIssue } from './driftIssue.js';
export { appendStepSummary } from './stepSummary.js';
export { publishApplyComment } from './applyComment.js';
export { writePlanSummary } from './planSummary.js';
