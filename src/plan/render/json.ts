// The saved-plan format (CONTRACT §3). Keys are written in one fixed order so that the same plan
// always serialises to the same bytes: plan files diff cleanly and can be compared.
import type { Change, Plan, PlanError, Warning } from '../../model.js';

type Json = Record<string, unknown>;

// Optional keys are added one by one (not deleted afterwards) to keep 100,000 changes fast.
function changeJson(c: Change): Json {
  const json: Json = { action: c.action, crmUserId: c.crmUserId, outreachUserId: c.outreachUserId };
  // Both actions carry the directories' names in the same place; an add then has the YAML's claim.
  if (c.crmUserName !== undefined) json.crmUserName = c.crmUserName;
  if (c.outreachUserName !== undefined) json.outreachUserName = c.outreachUserName;
  if (c.action === 'remove' && c.yamlName !== undefined) json.yamlName = { name: c.yamlName.name, file: c.yamlName.file, line: c.yamlName.line };
  if (c.action === 'add') {
    if (c.name !== undefined) json.name = c.name;
    json.file = c.file;
    json.line = c.line;
  }
  return json;
}

function warningJson(w: Warning): Json {
  const json: Json = { code: w.code, message: w.message };
  if (w.crmUserId !== undefined) json.crmUserId = w.crmUserId;
  if (w.outreachUserId !== undefined) json.outreachUserId = w.outreachUserId;
  return json;
}

function errorJson(e: PlanError): Json {
  return { code: e.code, message: e.message, file: e.file, line: e.line, column: e.column };
}

/** The plan as a plain object in the contract's key order; `errors` only when there are some. */
export function planJson(plan: Plan): Json {
  const json: Json = {
    formatVersion: plan.formatVersion,
    store: plan.store,
    // Only for read-only stores (§12), so every other plan keeps its bytes.
    ...(plan.readOnly ? { readOnly: true } : {}),
    ...(plan.asOf !== undefined ? { asOf: plan.asOf } : {}),
    liveFingerprint: plan.liveFingerprint,
    desiredFingerprint: plan.desiredFingerprint,
    summary: { add: plan.summary.add, remove: plan.summary.remove, replace: plan.summary.replace, unchanged: plan.summary.unchanged },
    changes: plan.changes.map(changeJson),
    warnings: plan.warnings.map(warningJson),
  };
  if (plan.errors && plan.errors.length > 0) json.errors = plan.errors.map(errorJson);
  if (plan.notes && plan.notes.length > 0) json.notes = plan.notes.map((n) => ({ code: n.code, message: n.message }));
  return json;
}

/** The bytes of a saved plan (also `plan --format json`). */
export function serializePlan(plan: Plan): string {
  return JSON.stringify(planJson(plan), null, 2) + '\n';
}

export const renderJson = serializePlan;
