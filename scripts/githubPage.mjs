// Markdown → an HTML page that looks like a comment on a GitHub pull request: GitHub's own parser
// (cmark-gfm, with the extensions github.com enables) and GitHub's stylesheet
// (github-markdown-css), inside a comment box. GitHub turns `> [!NOTE]`-style blockquotes into
// coloured alerts after parsing; that step is reproduced here so the picture shows what a reviewer sees.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import cmark from 'cmark-gfm';

const require = createRequire(import.meta.url);

const GFM = {
  extensions: { table: true, strikethrough: true, autolink: true, tagfilter: true, tasklist: true },
  // GitHub keeps allowed raw HTML (<details>, <summary>, …) and drops the rest in its sanitiser;
  // mapsync's bodies use only <details>/<summary>, so rendering raw HTML shows them as GitHub does.
  unsafe: true,
};

const ALERTS = { NOTE: 'Note', TIP: 'Tip', IMPORTANT: 'Important', WARNING: 'Warning', CAUTION: 'Caution' };

/** GitHub's alert blocks: <blockquote><p>[!KIND]\n… becomes <div class="markdown-alert …">. */
function githubAlerts(html) {
  return html.replace(/<blockquote>\n<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\n?([\s\S]*?)<\/blockquote>/g, (_all, kind, rest) =>
    `<div class="markdown-alert markdown-alert-${kind.toLowerCase()}"><p class="markdown-alert-title">${ALERTS[kind]}</p><p>${rest}</div>`);
}

/**
 * GitHub colours ```diff blocks server-side: a removed line is a red `pl-md` span and an added
 * line a green `pl-mi1` span (the stylesheet styles both). The line text is already escaped.
 */
function githubDiffHighlight(html) {
  return html.replace(/<pre><code class="language-diff">([\s\S]*?)<\/code><\/pre>/g, (_all, code) => {
    const lines = code.replace(/\n$/, '').split('\n').map((line) => {
      if (line.startsWith('-')) return `<span class="pl-md">${line}</span>`;
      if (line.startsWith('+')) return `<span class="pl-mi1">${line}</span>`;
      return line;
    });
    return `<div class="highlight highlight-source-diff"><pre>${lines.join('\n')}</pre></div>`;
  });
}

export function markdownToHtml(markdown) {
  return githubDiffHighlight(githubAlerts(cmark.renderHtmlSync(markdown, GFM)));
}

const PAGE_CSS = `
  body { margin: 0; padding: 24px; background: #ffffff; font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
  .comment { border: 1px solid #d1d9e0; border-radius: 6px; max-width: 880px; }
  .comment-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0; padding: 8px 16px; font-size: 14px; color: #59636e; }
  .comment-header b { color: #1f2328; }
  .bot { display: inline-block; border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 7px; font-size: 12px; margin: 0 4px; }
  .markdown-body { padding: 16px; font-size: 14px; }
  .markdown-body .markdown-alert-title { font-weight: 600; }
  .issue-title { font-size: 26px; font-weight: 400; color: #1f2328; margin: 0 0 16px; max-width: 880px; }
`;

const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A self-contained page: the comment (under an issue's title when one is given), plus a script that reports the page height for the screenshot. */
export async function commentPage(markdown, { title, issueTitle }) {
  const css = await readFile(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>${css}</style><style>${PAGE_CSS}</style></head>
<body>
${issueTitle ? `<h1 class="issue-title">${escapeHtml(issueTitle)}</h1>\n` : ''}<div class="comment">
<div class="comment-header"><b>github-actions</b><span class="bot">bot</span> commented</div>
<div class="markdown-body">
${markdownToHtml(markdown)}
</div>
</div>
<script>document.title = 'height=' + Math.ceil(document.documentElement.getBoundingClientRect().height);</script>
</body></html>
`;
}
