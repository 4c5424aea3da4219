import { CID } from 'multiformats/cid'
import { collectBlock } from '../../core/blocks/bytes.ts'
import { detectMime, looksLikeText } from '../../core/search/mime.ts'
import { fileName, mediaKindOf, parseTarget } from '../ui/open-target.ts'
import type { EntryType } from '../../core/content/types.ts'
import type { BrowserNode } from '../node/index.ts'

/** What `open()` found. */
export interface OpenResult {
  /** The CID of what the path points at. */
  cid: string
  /** `<cid>[/path]` as parsed from what was given. */
  target: string
  type: EntryType
  size: number
  /** Sniffed type of a file ('' for a directory). */
  mime: string
  /** Entries of a directory. */
  entries?: Array<{ name: string, cid: string, type: string, size: number }>
}

/** Text shown inline is cut here. */
const PREVIEW_BYTES = 64 * 1024

/** Markup of the panel (inside the element's shadow root). */
export const OPEN_PANEL_HTML = `
<form class="open" part="open">
  <input type="text" placeholder="Open a CID, /ipfs/ path or link" aria-label="CID to open" spellcheck="false" autocomplete="off">
  <button type="submit" disabled>Open</button>
</form>
<div class="result" part="result" hidden>
  <div class="meta"></div>
  <div class="actions"><button type="button" data-action="download">Download</button> <button type="button" data-action="pin">Pin here</button></div>
  <ul class="entries"></ul>
  <div class="preview"></div>
</div>`

/** Styles of the panel. */
export const OPEN_PANEL_CSS = `
  .open { display: flex; gap: 6px; margin-top: 10px; }
  .open input { flex: 1; min-width: 0; font: inherit; padding: 6px 8px; border: 1px solid #c5cbe0; border-radius: 8px; }
  .result { margin-top: 8px; text-align: left; }
  .meta { font-size: 12px; color: #5f6782; overflow-wrap: anywhere; }
  .actions { margin-top: 6px; }
  .entries { list-style: none; padding: 0; margin: 6px 0 0; }
  .entries button { background: none; color: #3b5bdb; padding: 2px 0; }
  .preview img, .preview video { max-width: 100%; max-height: 360px; display: block; margin-top: 8px; }
  .preview audio { width: 100%; margin-top: 8px; }
  .preview pre { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 240px; overflow: auto; background: #f6f7fb; padding: 8px; border-radius: 8px; }
  .error { color: #c92a2a; }`

/**
 * "Open a CID" for the `<ipfs-kit-node>` element: fetches through the node (its blocks, its peers, the relay's
 * gateway; every block verified), lists directories, previews images, audio, video and text, downloads and pins.
 */
export class OpenPanel {
  private readonly root: ShadowRoot
  private readonly node: () => BrowserNode | undefined
  private current: OpenResult | undefined
  private url: string | undefined
  private asked = 0

  constructor (root: ShadowRoot, node: () => BrowserNode | undefined) {
    this.root = root
    this.node = node
    const form = this.el('form.open')
    form.addEventListener('submit', e => {
      e.preventDefault()
      void this.open((this.el('form.open input') as HTMLInputElement).value).catch(() => {})
    })
    this.el('[data-action="download"]').addEventListener('click', () => { void this.download() })
    this.el('[data-action="pin"]').addEventListener('click', () => { void this.pin() })
  }

  /** The node started: the form can be used. */
  enable (): void {
    (this.el('form.open button') as HTMLButtonElement).disabled = false
  }

  /** Open `text` (CID, path, ipfs:// URL, gateway URL or share link) and show it. */
  async open (text: string): Promise<OpenResult> {
    const node = this.node()
    if (node === undefined) throw new Error('the node has not started')
    const id = ++this.asked
    const result = this.el('.result')
    result.hidden = false
    this.setMeta('opening…')
    this.el('.entries').replaceChildren()
    this.clearPreview()
    try {
      const target = parseTarget(text)
      const stat = await node.service.stat(target)
      const found: OpenResult = { cid: stat.cid.toString(), target, type: stat.type, size: stat.size, mime: '' }
      if (stat.type === 'directory') {
        found.entries = []
        for await (const entry of node.service.ls(target)) found.entries.push({ name: entry.name, cid: entry.cid.toString(), type: entry.type, size: entry.size })
        if (id === this.asked) this.showEntries(found)
      } else {
        const head = await collectBlock(node.service.cat(target, { length: Math.min(stat.size, PREVIEW_BYTES) }))
        found.mime = detectMime({ name: fileName(target) }, head)
        if (id === this.asked) await this.showPreview(node, found, head)
      }
      if (id === this.asked) {
        this.current = found
        this.setMeta(`${found.type} · ${found.size} bytes${found.mime === '' ? '' : ` · ${found.mime}`} · ${found.cid}`)
      }
      return found
    } catch (err) {
      if (id === this.asked) this.setMeta(err instanceof Error && 'code' in err ? `${String(err.code)}: ${err.message}` : String(err), true)
      throw err
    }
  }

  private showEntries (found: OpenResult): void {
    const list = this.el('.entries')
    for (const entry of found.entries ?? []) {
      const item = document.createElement('li')
      const button = document.createElement('button')
      button.type = 'button'
      button.textContent = `${entry.type === 'directory' ? '📁' : '📄'} ${entry.name}`
      button.addEventListener('click', () => { void this.open(`${found.target}/${entry.name}`).catch(() => {}) })
      item.append(button)
      list.append(item)
    }
  }

  private async showPreview (node: BrowserNode, found: OpenResult, head: Uint8Array): Promise<void> {
    const preview = this.el('.preview')
    const media = mediaKindOf(found.mime, found.size)
    if (media !== undefined && media !== 'pdf') {
      const blob = await this.blob(node, found.target, found.mime)
      this.url = URL.createObjectURL(blob)
      const el = document.createElement(media === 'image' ? 'img' : media)
      el.setAttribute('src', this.url)
      if (media !== 'image') el.setAttribute('controls', '')
      preview.replaceChildren(el)
    } else if (looksLikeText(head)) {
      const pre = document.createElement('pre')
      pre.textContent = new TextDecoder().decode(head) + (found.size > head.byteLength ? '\n…' : '')
      preview.replaceChildren(pre)
    }
  }

  private async blob (node: BrowserNode, target: string, type: string): Promise<Blob> {
    const parts: Uint8Array<ArrayBuffer>[] = []
    for await (const chunk of node.service.cat(target)) parts.push(new Uint8Array(chunk))
    return new Blob(parts, { type })
  }

  private async download (): Promise<void> {
    const node = this.node()
    const found = this.current
    if (node === undefined || found === undefined || found.type === 'directory') return
    const url = URL.createObjectURL(await this.blob(node, found.target, 'application/octet-stream'))
    const a = document.createElement('a')
    a.href = url
    a.download = fileName(found.target) === '' ? found.cid : fileName(found.target)
    a.click()
    setTimeout(() => { URL.revokeObjectURL(url) }, 60_000)
  }

  private async pin (): Promise<void> {
    const node = this.node()
    const found = this.current
    if (node === undefined || found === undefined) return
    await node.service.pinAdd(CID.parse(found.cid), { name: fileName(found.target) })
    this.setMeta(`pinned here · ${found.cid}`)
  }

  private clearPreview (): void {
    if (this.url !== undefined) URL.revokeObjectURL(this.url)
    this.url = undefined
    this.current = undefined
    this.el('.preview').replaceChildren()
  }

  private setMeta (text: string, error = false): void {
    const meta = this.el('.meta')
    meta.textContent = text
    meta.classList.toggle('error', error)
  }

  private el (selector: string): HTMLElement {
    const found = this.root.querySelector(selector)
    if (!(found instanceof HTMLElement)) throw new Error(`template has no ${selector}`)
    return found
  }
}
