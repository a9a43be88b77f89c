// Every way a plan can be shown. One view model (view.ts), one small renderer per format.
export { renderText, type TextOptions } from './text.js';
export { renderMarkdown, renderBody, countsLine, driftCountsLine, type BodyOptions, type RenderedBody } from './markdown.js';
export { serializePlan, renderJson, planJson } from './json.js';
export { groupChanges, countReplaces, type ChangeGroup } from './changeGroups.js';
export { planView, inRiskOrder, type PlanView, type ChangeView, type UserView } from './view.js';
export { hasChanges, hasErrors, countsPhrase, headlineOf, count } from './describe.js';
export type { Mode } from './view.js';
