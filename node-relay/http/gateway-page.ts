import { formatBytes } from '../../core/format/bytes.ts'
import { detectMime } from '../../core/search/mime.ts'
import type { LsEntry } from '../../core/content/types.ts'

/**
 * Documents from content run in an opaque origin (CSP `sandbox`): a page stored in IPFS may run its scripts, but it
 * is not the relay's origin, so it cannot use the relay's API with the user's browser (writes from a foreign or
 * `null` Origin are refused) nor read its answers. Kubo gets the same isolation from subdomain gateways.
 */
export const CONTENT_SANDBOX = 'sandbox allow-scripts allow-forms allow-popups allow-downloads allow-modals'

/** Types a browser renders as an active document: these get {@link CONTENT_SANDBOX}. */
const ACTIVE = new Set(['text/html', 'application/xhtml+xml', 'image/svg+xml', 'application/xml', 'text/xml'])

/** Whether a type is one a browser renders as a document that could run scripts. */
export function isActiveDocument (mime: string): boolean {
  return ACTIVE.has(mime)
}

/** The Content-Type of a file: from its name's extension, else sniffed from its first bytes; text gets UTF-8. */
export function contentTypeOf (name: string, head: Uint8Array): string {
  const mime = detectMime({ name }, head)
  return mime.startsWith('text/') || mime === 'application/json' || mime === 'image/svg+xml' || mime === 'application/javascript' ? `${mime}; charset=utf-8` : mime
}

function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

/** An HTML listing of a directory, as Kubo's gateway renders one: links to each entry and to its CID. */
export function directoryListing (path: string, cid: string, entries: LsEntry[]): string {
  const base = `/ipfs/${path.replace(/\/+$/, '')}`
  const parent = path.includes('/') ? `<tr><td>📁</td><td><a href="${escapeHtml(encodeURI(base.slice(0, base.lastIndexOf('/') + 1)))}">..</a></td><td></td><td></td></tr>` : ''
  const rows = entries.map(e => {
    const href = escapeHtml(`${encodeURI(base)}/${encodeURIComponent(e.name)}${e.type === 'directory' ? '/' : ''}`)
    const icon = e.type === 'directory' ? '📁' : '📄'
    return `<tr><td>${icon}</td><td><a href="${href}">${escapeHtml(e.name)}</a></td><td><a class="cid" href="/ipfs/${e.cid.toString()}">${e.cid.toString()}</a></td><td>${e.type === 'directory' ? '' : formatBytes(e.size)}</td></tr>`
  }).join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(base)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:960px;padding:0 1rem;color:#1d2433}
h1{font-size:1.1rem;word-break:break-all}table{border-collapse:collapse;width:100%}td{padding:.35rem .5rem;border-bottom:1px solid #e4e7ee;vertical-align:top}
td:nth-child(3){font:12px ui-monospace,monospace;word-break:break-all;color:#5b6478}td:last-child{white-space:nowrap;text-align:right}a{color:#2f5bd3;text-decoration:none}
.cid{color:#5b6478}p{color:#5b6478;font-size:.9rem;word-break:break-all}</style></head>
<body><h1>Index of ${escapeHtml(base)}</h1><p>${escapeHtml(cid)} · ${entries.length} item${entries.length === 1 ? '' : 's'}</p>
<table>${parent}
${rows}
</table></body></html>
`
}
