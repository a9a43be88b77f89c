// GitHub-only Markdown bits: links to commits, runs, source lines and the plan artifact. The plan's
// own body comes from src/plan/render/markdown.ts, and every data string from src/markdown/escape.ts.
import { code, link } from '../markdown/escape.js';

/** Where on GitHub we are: enough to build links (see GitHubContext). */
export interface GitHubPlace {
  sha?: string;
  serverUrl: string;
  owner: string;
  repo: string;
  runUrl?: string;
}

const isSha = (sha: string | undefined): sha is string => sha !== undefined && /^[0-9a-f]{7,64}$/i.test(sha);

/** The commit as a short SHA linking to it, or undefined when unknown. */
export function commitLink(place: GitHubPlace): string | undefined {
  if (!isSha(place.sha)) return undefined;
  return link(code(place.sha.slice(0, 7)), `${place.serverUrl}/${place.owner}/${place.repo}/commit/${place.sha}`);
}

/** "Commit `3f2a9c1` · [workflow run](…)": what a body says about where it comes from. */
export function facts(place: GitHubPlace): string[] {
  const commit = commitLink(place);
  return [commit && `Commit ${commit}`, place.runUrl && link('workflow run', place.runUrl)].filter((f): f is string => Boolean(f));
}

/** An add's file:line as the line at the commit planned (the PR's head), or undefined without a commit. */
export function sourceLinker(place: GitHubPlace): ((file: string, line: number) => string | undefined) | undefined {
  if (!isSha(place.sha)) return undefined;
  const sha = place.sha;
  return (file, line) => {
    const path = file.split('/').map(encodeURIComponent).join('/');
    return `${place.serverUrl}/${place.owner}/${place.repo}/blob/${sha}/${path}#L${line}`;
  };
}

/** The name of the artifact plan.yml uploads: the JSON plan and its text rendering. */
export const PLAN_ARTIFACT = 'mapsync-plan';

/** Where every change can be read when a body is cut (a sentence). */
export type FullPlanPlace = 'summary' | 'artifact' | 'local';

export function fullPlanSentence(place: GitHubPlace, where: FullPlanPlace): string {
  if (!place.runUrl || where === 'local') return 'Run `npx mapsync plan` to see every change.';
  return where === 'summary'
    ? `Every change is in the ${link('job summary', place.runUrl)}.`
    : `Every change is in the ${code(PLAN_ARTIFACT)} artifact of ${link('this workflow run', `${place.runUrl}#artifacts`)} (the JSON plan and the text view).`;
}
