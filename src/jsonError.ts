// Turns V8's JSON.parse message into "file:line:col: not valid JSON (reason)": users open the file
// at a line, not at a character offset.

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function describeJsonSyntaxError(file: string, text: string, err: Error): string {
  // V8 names the offset ("at position 42") and, in newer versions, also "(line 3 column 5)".
  const message = err.message.replace(/\s*\(line \d+ column \d+\)/, '');
  const position = /at position (\d+)/.exec(message);
  // "Unexpected end of JSON input" has no position: it is at the end of the text.
  const offset = position ? Number(position[1]) : /end of JSON input/.test(message) ? text.length : undefined;
  const where = offset === undefined ? undefined : lineColumn(text, offset);
  const reason = message
    .replace(/,? ?"(?:[^"\\]|\\.)*" is not valid JSON/, '')
    .replace(/ in JSON at position \d+/, '')
    .trim();
  const prefix = where ? `${file}:${where.line}:${where.column}` : file;
  return `${prefix}: not valid JSON (${reason || 'syntax error'})`;
}
