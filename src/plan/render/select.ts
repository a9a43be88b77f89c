// Picks the renderer for --format.
import type { Colors } from '../../context.js';
import type { Plan } from '../../model.js';
import { renderChecklist } from './checklist.js';
import { serializePlan } from './json.js';
import type { Mode } from './view.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';
import type { Format } from './formats.js';

export { FORMATS, type Format } from './formats.js';

export function renderAs(format: Format, plan: Plan, options: { colors: Colors; mode: Mode }): string {
  switch (format) {
    case 'text': return renderText(plan, options);
    case 'markdown': return renderMarkdown(plan, { mode: options.mode });
    case 'json': return serializePlan(plan);
    case 'checklist': return renderChecklist(plan);
  }
}
