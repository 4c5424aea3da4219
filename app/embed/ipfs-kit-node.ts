/**
 * @packageDocumentation
 *
 * `<ipfs-kit-node>`: a whole browser IPFS node as one custom element, for any page on any origin. It starts a node on
 * the relay named by its `relay` attribute (or the relays of its `relays` attribute: several URLs of one cluster's
 * relays, separated by spaces or commas, the preferred first, so the node fails over when one stops), shows a small drop zone (drop or pick files to add them) and a viewer that
 * opens any CID (from this browser, other browsers, the relay and what the relay can reach), and exposes a JS API. Built by `vite build` into `dist/embed.js`, one self-contained ES module the relay serves with CORS.
 *
 * @example
 * ```html
 * <script type="module" src="https://relay.example/embed.js"></script>
 * <ipfs-kit-node relay="https://relay.example"></ipfs-kit-node>
 * <script type="module">
 *   const el = document.querySelector('ipfs-kit-node')
 *   el.addEventListener('ready', e => console.log('peer', e.detail.peerId))
 *   el.addEventListener('progress', e => console.log(e.detail.bytes, '/', e.detail.total))
 *   const cid = await el.add(new File(['hello'], 'hello.txt'))
 *   const bytes = await el.cat(cid)
 *   // end-to-end encrypted: to this browser's own key (kept non-extractable in IndexedDB), and to others' age1… keys
 *   const secret = await el.add(file, { encrypt: { to: ['age1…'] } })
 *   const plain = await el.cat(secret) // decrypted with the local key
 *   const link = await el.shareLink(secret) // …#/share/<cid>?key=… (the key stays in the fragment)
 *   const { type, entries } = await el.open('ipfs://bafy…/docs') // and shows it in the element
 * </script>
 * ```
 */
import { CID } from 'multiformats/cid'
import { openNode, parseRelayUrls } from '../ui/open-node.ts'
import { addEncrypted, catDecrypted, readAll, recipientsOf, shareLink } from '../crypto/encrypted-content.ts'
import { BrowserKeyring } from '../crypto/keyring.ts'
import type { EncryptChoice } from '../crypto/encrypted-content.ts'
import { OPEN_PANEL_CSS, OPEN_PANEL_HTML, OpenPanel } from './open-panel.ts'
import type { OpenResult } from './open-panel.ts'
import type { BrowserNode, ConnectionInfo } from '../node/index.ts'

/** `detail` of the `ready` event. */
export interface ReadyDetail { peerId: string }
/** `detail` of the `progress` event (one per chunk read while adding). */
export interface ProgressDetail { name: string, bytes: number, total: number }
/** `detail` of the `peers` event (sent when the connections change). */
export interface PeersDetail { relayConnected: boolean, connections: ConnectionInfo[] }

const TEMPLATE = `
<style>
  :host { display: block; font: 14px/1.4 system-ui, sans-serif; color: #15192b; }
  .zone { border: 2px dashed #c5cbe0; border-radius: 12px; padding: 18px; text-align: center; background: #fff; transition: 0.15s; }
  .zone.over { border-color: #3b5bdb; background: #eef1ff; }
  button { font: inherit; border: 0; border-radius: 8px; padding: 6px 12px; background: #3b5bdb; color: #fff; cursor: pointer; }
  button:disabled { opacity: 0.5; cursor: default; }
  .status { margin-top: 8px; font-size: 12px; color: #5f6782; }
  .bar { height: 6px; background: #e7ecff; border-radius: 3px; overflow: hidden; margin-top: 8px; visibility: hidden; }
  .bar.on { visibility: visible; }
  .bar div { height: 100%; width: 0; background: #3b5bdb; }
  ${OPEN_PANEL_CSS}
</style>
<div class="zone" part="zone">
  <div><slot>Drop files here or</slot> <button type="button" disabled>choose</button></div>
  <input type="file" multiple hidden>
  <div class="bar"><div></div></div>
  <div class="status" part="status">starting…</div>
</div>
${OPEN_PANEL_HTML}`

/** The `<ipfs-kit-node>` element. */
export class IpfsKitNodeElement extends HTMLElement {
  static readonly observedAttributes = ['relay', 'relays']
  /** The running node (undefined until `ready`). */
  node: BrowserNode | undefined
  /** Resolves with the node once it has started. */
  readonly ready: Promise<BrowserNode>
  private resolveReady: (node: BrowserNode) => void = () => {}
  private rejectReady: (err: unknown) => void = () => {}
  private timer: ReturnType<typeof setInterval> | undefined
  private keyring: Promise<BrowserKeyring> | undefined
  private lastPeers = ''
  private readonly root: ShadowRoot
  private readonly panel: OpenPanel

  constructor () {
    super()
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve
      this.rejectReady = reject
    })
    this.ready.catch(() => {})
    this.root = this.attachShadow({ mode: 'open' })
    this.root.innerHTML = TEMPLATE
    this.panel = new OpenPanel(this.root, () => this.node)
  }

  private find (selector: string): HTMLElement {
    const el = this.root.querySelector(selector)
    if (!(el instanceof HTMLElement)) throw new Error(`template has no ${selector}`)
    return el
  }

  connectedCallback (): void {
    if (this.node !== undefined || this.timer !== undefined) return
    const zone = this.find('.zone')
    const input = this.find('.zone input') as HTMLInputElement
    this.find('.zone button').addEventListener('click', () => { input.click() })
    input.addEventListener('change', () => {
      void this.addAll(Array.from(input.files ?? []))
      input.value = ''
    })
    zone.addEventListener('dragover', e => { e.preventDefault(); zone.classList.add('over') })
    zone.addEventListener('dragleave', () => { zone.classList.remove('over') })
    zone.addEventListener('drop', e => {
      e.preventDefault()
      zone.classList.remove('over')
      void this.addAll(Array.from(e.dataTransfer?.files ?? []))
    })
    this.timer = setInterval(() => { this.reportPeers() }, 1_000)
    void this.start()
  }

  disconnectedCallback (): void {
    clearInterval(this.timer)
    this.timer = undefined
    void this.node?.stop()
    this.node = undefined
    void this.keyring?.then(keys => { keys.close() }, () => {})
    this.keyring = undefined
  }

  private async start (): Promise<void> {
    const listed = parseRelayUrls(this.getAttribute('relays') ?? '')
    const relayUrls = listed.length > 0 ? listed : [this.getAttribute('relay') ?? location.origin]
    try {
      const node = await openNode({ relayUrls, name: this.getAttribute('name') ?? 'ipfs-kit-embed' })
      this.node = node
      const button = this.find('.zone button')
      if (button instanceof HTMLButtonElement) button.disabled = false
      this.panel.enable()
      this.setStatus(`peer ${node.peerId.slice(-8)}`)
      this.resolveReady(node)
      this.dispatchEvent(new CustomEvent<ReadyDetail>('ready', { detail: { peerId: node.peerId } }))
    } catch (err) {
      this.setStatus(`relay unreachable: ${err instanceof Error ? err.message : String(err)}`)
      this.rejectReady(err)
      this.dispatchEvent(new CustomEvent('error', { detail: err }))
    }
  }

  private setStatus (text: string): void {
    this.find('.status').textContent = text
  }

  private reportPeers (): void {
    const node = this.node
    if (node === undefined) return
    const detail: PeersDetail = { relayConnected: node.relayConnected(), connections: node.connections() }
    const key = JSON.stringify([detail.relayConnected, detail.connections.map(c => `${c.peerId}/${c.kind}`)])
    if (key === this.lastPeers) return
    this.lastPeers = key
    this.setStatus(`peer ${node.peerId.slice(-8)} · ${detail.relayConnected ? 'online' : 'offline'} · ${detail.connections.length} connection(s)`)
    this.dispatchEvent(new CustomEvent<PeersDetail>('peers', { detail }))
  }

  private async addAll (files: File[]): Promise<void> {
    for (const file of files) {
      const cid = await this.add(file)
      this.setStatus(`added ${file.name}: ${cid}`)
    }
  }

  /**
   * This browser's encryption keys (an age X25519 identity, non-extractable in IndexedDB `<name>-keys`), created on
   * first use. `keys.recipient` is the public key others encrypt to; `exportIdentity`/`importIdentity` back it up.
   */
  async keys (): Promise<BrowserKeyring> {
    this.keyring ??= BrowserKeyring.open(this.getAttribute('name') ?? 'ipfs-kit-embed')
    return this.keyring
  }

  /**
   * Add a file (or bytes), pinned; returns its CID. Fires `progress` while reading. With `encrypt`, the file is
   * encrypted here first (age v1): `true` to this browser's own key, `{ to: ['age1…'] }` to those keys as well, so
   * peers, the relay and its backends hold ciphertext only.
   */
  async add (file: Blob | Uint8Array, options: { name?: string, signal?: AbortSignal, encrypt?: EncryptChoice } = {}): Promise<string> {
    const node = await this.ready
    const name = options.name ?? (file instanceof File ? file.name : '')
    const total = file instanceof Blob ? file.size : file.byteLength
    const bar = this.find('.bar')
    bar.classList.add('on')
    const onProgress = ({ bytes }: { bytes: number }): void => {
      this.find('.bar div').style.width = `${total === 0 ? 100 : Math.round(100 * bytes / total)}%`
      this.dispatchEvent(new CustomEvent<ProgressDetail>('progress', { detail: { name, bytes, total } }))
    }
    try {
      if (options.encrypt !== undefined && options.encrypt !== false) {
        const recipients = recipientsOf(options.encrypt, (await this.keys()).recipient)
        const { cid } = await addEncrypted(node.service, file, recipients, { name, signal: options.signal, onProgress })
        return cid.toString()
      }
      const { cid } = await node.service.add(file, { name, signal: options.signal, onProgress })
      return cid.toString()
    } finally {
      bar.classList.remove('on')
    }
  }

  /**
   * Read a file by CID (from this browser, or from peers through the relay). An encrypted (age) file is decrypted
   * with this browser's key (`ERR_DECRYPT` when it is not one of the file's recipients) unless `decrypt: false`.
   */
  async cat (cid: string, options: { signal?: AbortSignal, decrypt?: boolean } = {}): Promise<Uint8Array> {
    const node = await this.ready
    if (options.decrypt === false) return readAll(node.service.cat(cid, options))
    const keys = await this.keys()
    return readAll(catDecrypted(node.service, cid, { identities: keys.identities(), signal: options.signal }))
  }

  /**
   * A link that opens an encrypted file this browser can read in the PWA of the relay: `<relay>/#/share/<cid>?key=…`.
   * The file key is in the URL fragment, which browsers never send to a server; whoever has the link can read the file.
   */
  async shareLink (cid: string, options: { name?: string, signal?: AbortSignal } = {}): Promise<string> {
    const node = await this.ready
    const keys = await this.keys()
    const base = `${(this.getAttribute('relay') ?? location.origin).replace(/\/+$/, '')}/`
    return shareLink(node.service, cid, { identities: keys.identities(), signal: options.signal }, base, options.name)
  }

  /**
   * Open a CID, `/ipfs/` path, `ipfs://` URL, gateway URL or share link in the element's viewer (fetched from this
   * browser, its peers or the relay's gateway, every block verified): a directory is listed, a file previewed.
   */
  async open (target: string): Promise<OpenResult> {
    await this.ready
    return this.panel.open(target)
  }

  /** Pin a CID here (fetching its blocks from peers when missing). */
  async pin (cid: string, options: { name?: string, signal?: AbortSignal } = {}): Promise<void> {
    const node = await this.ready
    await node.service.pinAdd(CID.parse(cid), options)
  }
}

if (customElements.get('ipfs-kit-node') === undefined) customElements.define('ipfs-kit-node', IpfsKitNodeElement)

declare global {
  interface HTMLElementTagNameMap { 'ipfs-kit-node': IpfsKitNodeElement }
}
