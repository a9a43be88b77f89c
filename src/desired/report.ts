// Renders validation results: text for people, JSON for scripts, workflow commands for GitHub.
import type { Colors } from '../context.js';
import type { LoadDetails, ValidationError } from './load.js';
import { code, count, plural as mdPlural, text } from '../markdown/escape.js';

export type ValidateFormat = 'text' | 'json' | 'github';

export function renderText(result: LoadDetails, colors: Colors): string {
  const lines: string[] = [];
  for (const error of result.errors) {
    lines.push(`${error.file}:${error.line}:${error.column}  ${colors.red(error.code)}  ${error.message}`);
    if (error.hint) lines.push(`  ${colors.dim('hint:')} ${error.hint}`);
  }
  const scope = `${plural(result.state.files.length, 'file')}, ${plural(result.entries, 'mapping')}`;
  if (result.errors.length === 0) lines.push(colors.green(`valid: ${scope}`));
  else lines.push(colors.red(`invalid: ${invalidVerdict(result)}`));
  return lines.join('\n') + '\n';
}

/** CONTRACT §3: exactly {"valid","files","mappings","errors":[{"file","line","column","code","message"}]}. */
export function renderJson(result: LoadDetails): string {
  const report = {
    valid: result.errors.length === 0,
    files: result.state.files.length,
    mappings: result.entries,
    errors: result.errors.map((e) => ({ file: e.file, line: e.line, column: e.column, code: e.code, message: e.message })),
  };
  return JSON.stringify(report, null, 2) + '\n';
}

/** One `::error` workflow command per error; GitHub turns each into an annotation on the line. */
export function renderGithub(result: LoadDetails): string {
  return result.errors.map(githubAnnotation).join('');
}

export function githubAnnotation(error: ValidationError): string {
  return `::error file=${escapeProperty(error.file)},line=${error.line},col=${error.column},title=${escapeProperty(error.code)}::${escapeData(error.message)}\n`;
}

/** Workflow-command escaping for the message part: %, CR and LF. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values also escape the separators `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** A short job summary: the verdict, and the first errors as a table. Keys, file names and messages are data (escape.ts). */
export function renderSummary(result: LoadDetails, limit = 50): string {
  const scope = `${mdPlural(result.state.files.length, 'file')}, ${mdPlural(result.entries, 'mapping')}`;
  if (result.errors.length === 0) return `### mapsync validate\n\n✅ Mappings are valid (${scope}).\n`;
  const cell = { cell: true };
  const rows = result.errors.slice(0, limit).map((e) => `| ${code(`${e.file}:${e.line}:${e.column}`, cell)} | ${code(e.code, cell)} | ${text(e.message, cell)} |`);
  const more = result.errors.length > limit ? `\n…and ${count(result.errors.length - limit)} more (run \`mapsync validate\` locally for all of them).\n` : '';
  return [
    '### mapsync validate',
    '',
    // The verdict names files: data, escaped like every other piece of text here.
    `❌ ${text(invalidVerdict(result))}.`,
    '',
    '| where | code | problem |',
    '|---|---|---|',
    ...rows,
    more,
  ].join('\n') + '\n';
}

/**
 * "3 errors in 2 files (of 5 files, 40 mappings)": the files counted are the ones WITH errors;
 * a file that could not be read at all is named, since its mappings are missing from the count.
 */
export function invalidVerdict(result: LoadDetails): string {
  const withErrors = new Set(result.errors.map((e) => e.file)).size;
  const scanned = result.state.files.length;
  const unread = result.unreadFiles.length;
  const notCounted = unread === 0 ? '' : `; ${unread === 1 ? `${result.unreadFiles[0]} could not be read, so its mappings are` : `${unread} files could not be read, so their mappings are`} not counted`;
  return `${plural(result.errors.length, 'error')} in ${plural(withErrors, 'file')} (of ${plural(scanned, 'file')}, ${plural(result.entries, 'mapping')}${notCounted})`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
