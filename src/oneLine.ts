// Outside text made safe for one line: on the ground floor because both the terminal renderers
// (plan/render/) and the Markdown escaping (markdown/) need it.

/** One line, no control characters: names come from outside and must not break a terminal or a code block. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
}
