// Every way a plan can be shown. One small renderer per format.
export { renderText, type TextOptions } from './text.js';
export {
  renderMarkdown, diffLines, diffBlock, warningsMarkdown, errorsMarkdown, escapeMarkdown, inlineCode, countsLine, driftCountsLine,
  type MarkdownOptions,
} from './markdown.js';
export { serializePlan, renderJson, planJson } from './json.js';
export { groupChanges, type ChangeGroup } from './changeGroups.js';
export { hasChanges, hasErrors } from './describe.js';
export type { Mode } from './lines.js';
export { renderChecklist, PLUGIN_SCREENS } from './checklist.js';
