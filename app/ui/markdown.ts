import MarkdownIt from 'markdown-it'

/**
 * Markdown for previews of content anyone may have written: raw HTML in the source is shown as text (`html: false`),
 * and markdown-it's link check refuses `javascript:`, `vbscript:`, `file:` and non-image `data:` URLs, so the HTML it
 * returns carries no script; images are not loaded (the author's URL would learn who reads it). Links open in a new tab without the opener.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false })
// images would make the page fetch whatever URL the author chose (a tracking pixel): shown as text instead
md.disable('image')
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]
  token?.attrSet('target', '_blank')
  token?.attrSet('rel', 'noopener noreferrer')
  return defaultLinkOpen(tokens, idx, options, env, self)
}

/** Render Markdown to HTML that is safe to put in the page (see above). */
export function renderMarkdown (source: string): string {
  return md.render(source)
}

/** Whether a file is Markdown, by its name or the type sniffed for it. */
export function isMarkdown (name: string, mime: string): boolean {
  return mime === 'text/markdown' || /\.(md|markdown|mdown|mkd)$/i.test(name)
}
