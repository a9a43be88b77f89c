// Renders Markdown the way GitHub does (cmark-gfm with github.com's extensions, raw HTML kept as
// GitHub's allow-list would keep <img>, <details>, <h1>…) and finds what data could have turned
// into markup: elements mapsync does not write, links it did not build, and text outside code
// that GitHub would turn into a mention, a reference or a link.
import cmark from 'cmark-gfm';

export function renderGfm(markdown: string): string {
  return cmark.renderHtmlSync(markdown, {
    unsafe: true,
    githubPreLang: true,
    extensions: { table: true, strikethrough: true, autolink: true, tagfilter: true, tasklist: true },
  });
}

/** The elements mapsync itself writes; anything else came from data. */
const OWN_ELEMENTS = new Set(['p', 'h3', 'h4', 'strong', 'em', 'code', 'pre', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'ol', 'li', 'blockquote', 'details', 'summary', 'a', 'br', 'hr', 'input']);

const decode = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The text a reader sees, tags removed and entities decoded, whitespace collapsed. */
export function visibleText(html: string): string {
  const inline = /<\/?(code|a|strong|em|del)\b[^>]*>/g;
  return decode(html.replace(/<!--[\s\S]*?-->/g, '').replace(inline, '').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

export interface GfmProblemsOptions {
  /** Every link mapsync builds starts with one of these. */
  linkPrefixes: string[];
}

export function gfmProblems(markdown: string, options: GfmProblemsOptions): string[] {
  const html = renderGfm(markdown);
  const problems: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    const [tag, , name, attributes] = match;
    const element = name!.toLowerCase();
    if (!OWN_ELEMENTS.has(element)) { problems.push(`element ${tag}`); continue; }
    const attrs = attributes!.trim();
    if (attrs === '') continue;
    if (element === 'a' && /^href="[^"]*"$/.test(attrs)) {
      const href = decode(/^href="([^"]*)"$/.exec(attrs)![1]!);
      if (!options.linkPrefixes.some((p) => href.startsWith(p))) problems.push(`link to ${href}`);
      continue;
    }
    if (element === 'pre' && /^lang="(diff|text)"$/.test(attrs)) continue;
    // A task list's box (the read-only stores' clicks): mapsync writes `- [ ]`, cmark-gfm renders the input.
    if (element === 'input' && /^type="checkbox" (checked="" )?disabled="" \/$/.test(attrs)) continue;
    if ((element === 'th' || element === 'td') && /^align="(left|right|center)"$/.test(attrs)) continue;
    problems.push(`attributes on ${tag}`);
  }
  // Outside code, GitHub post-processes text: @name mentions (and e-mail links), #12 / GH-12 /
  // owner/repo#12 references, bare URL and www. links.
  const outsideCode = visibleText(html.replace(/<pre[\s\S]*?<\/pre>/g, ' ').replace(/<code>[\s\S]*?<\/code>/g, ' '));
  const shapes: Array<[string, RegExp]> = [
    ['mention', /(^|[^\w`])@[A-Za-z0-9]/],
    ['reference', /#\d/],
    ['reference', /\bGH-\d/i],
    ['link', /\bwww\./i],
    ['link', /[a-z]+:\/\//i],
  ];
  for (const [what, shape] of shapes) {
    const found = shape.exec(outsideCode);
    if (found) problems.push(`${what} outside code: …${outsideCode.slice(Math.max(0, found.index - 30), found.index + 30)}…`);
  }
  return problems;
}
