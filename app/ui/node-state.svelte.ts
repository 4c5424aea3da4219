import { CID } from 'multiformats/cid'
import { openNode, parseRelayUrls } from './open-node.ts'
import type { OpenedNode } from './open-node.ts'
import { joinRelayCluster } from '../node/cluster-relay.ts'
import { addEncrypted, catDecrypted, isEncrypted, shareLink } from '../crypto/encrypted-content.ts'
import { BrowserKeyring } from '../crypto/keyring.ts'
import type { DecryptOptions } from '../../core/crypto/index.ts'
import type { BrowserNode, ConnectionInfo } from '../node/index.ts'
import type { Cluster } from '../../core/cluster/index.ts'

/** One pinned file or directory, as the Files view lists it. */
export interface LocalFile {
  cid: string
  name: string
  /** File bytes (undefined until `stat` answers). */
  size?: number
  type?: string
  /** An age file (end-to-end encrypted); undefined until read. */
  encrypted?: boolean
}

/** An add in progress. */
export interface AddTask {
  name: string
  bytes: number
  total: number
  startedAt: number
  /** Bytes per second so far. */
  rate: number
}

/** Where the node is in its life. */
export type NodeStatus = 'starting' | 'running' | 'failed'

const RELAY_KEY = 'ipfs-kit:relay-url'
const CLUSTER_SECRET_KEY = 'ipfs-kit:cluster-secret'
const ENCRYPT_KEY = 'ipfs-kit:encrypt'

/**
 * The relays the app uses, the preferred first: `?relays=<url>,<url>` (or `?relay=<url>`) in the page's address,
 * else the saved setting (one URL or several, comma-separated), else the origin the app was served from.
 */
export function savedRelayUrls (): string[] {
  const params = new URLSearchParams(location.search)
  const fromUrl = parseRelayUrls(params.get('relays') ?? params.get('relay') ?? '')
  if (fromUrl.length > 0) return fromUrl
  const saved = parseRelayUrls(localStorage.getItem(RELAY_KEY) ?? '')
  return saved.length > 0 ? saved : [location.origin]
}

/**
 * The app's one view of its browser node: status, relay link, connections and the pinned files, kept fresh from the
 * node's events and a 1 s poll of its connections. Views read the fields; actions are methods.
 */
export class NodeState {
  node = $state.raw<OpenedNode | undefined>(undefined)
  status = $state<NodeStatus>('starting')
  error = $state('')
  /** Why the last add failed (cleared when the next one starts), with its stable code. */
  addError = $state<{ code: string, message: string } | undefined>(undefined)
  /** Every relay this tab may use, the preferred first (Settings; `?relays=`). */
  relayUrls = $state(savedRelayUrls())
  /** The HTTP API of the relay the node is on now: every view's relay calls go there, so they follow a failover. */
  relayUrl = $state(savedRelayUrls()[0] ?? location.origin)
  /** The WebSocket address of the relay the node is connected through now (empty while none is). */
  relayAddr = $state('')
  /** Whether a relay is connected right now. */
  relayOnline = $state(false)
  connections = $state.raw<ConnectionInfo[]>([])
  files = $state<LocalFile[]>([])
  adding = $state<AddTask | undefined>(undefined)
  lastAdded = $state('')
  /** The relay cluster's secret (empty: this tab does not join the cluster). */
  clusterSecret = $state(localStorage.getItem(CLUSTER_SECRET_KEY) ?? '')
  /** This tab's cluster peer, once joined. */
  cluster = $state.raw<Cluster | undefined>(undefined)
  /** Why joining the cluster failed, with its code when it has one. */
  clusterError = $state('')
  /** Encrypt files added from now on (the Files view's toggle; remembered). */
  encrypt = $state(localStorage.getItem(ENCRYPT_KEY) === 'true')
  /** This browser's encryption keys (IndexedDB, created on first start). */
  keyring = $state.raw<BrowserKeyring | undefined>(undefined)

  private readonly controller = new AbortController()
  private timer: ReturnType<typeof setInterval> | undefined

  /** Start the node; when the relay was never reached, retry every few seconds (the offline banner shows meanwhile). */
  async start (): Promise<void> {
    let delay = 2_000
    this.keyring ??= await BrowserKeyring.open().catch((err: unknown) => {
      console.warn('no encryption keys: IndexedDB or WebCrypto X25519 unavailable', err)
      return undefined
    })
    while (!this.controller.signal.aborted) {
      try {
        const node = await openNode({
          relayUrls: this.relayUrls,
          signal: this.controller.signal,
          storageWorker: () => new Worker(new URL('../worker/storage-worker.ts', import.meta.url), { type: 'module' }),
          searchWorker: () => new Worker(new URL('../worker/search-worker.ts', import.meta.url), { type: 'module' }),
          hashWorker: () => new Worker(new URL('../worker/hash-worker.ts', import.meta.url), { type: 'module' }),
          decryptKeys: () => this.decryptKeys()
        })
        this.node = node
        this.status = 'running'
        this.error = ''
        node.events.subscribe(event => {
          if (event.type === 'pin:added' || event.type === 'pin:removed') void this.refreshFiles()
        })
        this.timer = setInterval(() => { this.poll() }, 1_000)
        this.poll()
        void this.redeemInvitation().then(async () => { await this.joinCluster(node) })
        await this.refreshFiles()
        return
      } catch (err) {
        this.status = 'failed'
        this.error = err instanceof Error ? err.message : String(err)
        await new Promise(resolve => setTimeout(resolve, delay))
        delay = Math.min(delay * 2, 15_000)
      }
    }
  }

  /**
   * An invitation link (`#join=<token>`, from `ipfs-kit cluster invite`): redeem it with the relay for what joining
   * needs, keep the secret like one typed into Settings, and take the token out of the address bar.
   */
  private async redeemInvitation (): Promise<void> {
    const match = /^#join=([A-Za-z0-9_.-]+)$/.exec(location.hash)
    if (match === null) return
    history.replaceState(null, '', `${location.pathname}${location.search}#cluster`)
    window.dispatchEvent(new HashChangeEvent('hashchange'))
    try {
      const res = await fetch(`${this.relayUrl.replace(/\/+$/, '')}/api/v1/cluster/join`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ invitation: match[1] }), signal: this.controller.signal
      })
      const body = await res.json() as { secret?: string, cluster?: string, code?: string, message?: string }
      if (!res.ok) throw new Error(`${body.code ?? res.status}: ${body.message ?? 'the invitation was refused'}`)
      if (body.secret === undefined) throw new Error(`the cluster ${body.cluster ?? ''} has no shared secret: this tab can follow it but not join as a writer`)
      this.clusterSecret = body.secret
      localStorage.setItem(CLUSTER_SECRET_KEY, body.secret)
    } catch (err) {
      this.clusterError = `invitation: ${err instanceof Error ? err.message : String(err)}`
    }
  }

  /** Join the relay's cluster when a secret is set (the tab then takes allocations and pins them). */
  private async joinCluster (node: BrowserNode): Promise<void> {
    if (this.clusterSecret === '') return
    try {
      this.cluster = await joinRelayCluster(node, { relayUrl: this.relayUrl, secret: this.clusterSecret, signal: this.controller.signal })
      this.clusterError = ''
    } catch (err) {
      const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? `${err.code}: ` : ''
      this.clusterError = `${code}${err instanceof Error ? err.message : String(err)}`
    }
  }

  private poll (): void {
    const node = this.node
    if (node === undefined) return
    this.relayOnline = node.relayConnected()
    this.relayAddr = node.activeRelay()?.toString() ?? ''
    const live = node.liveRelayUrl()
    if (live !== this.relayUrl) this.relayUrl = live
    this.connections = node.connections()
  }

  /** Re-read the pins (names come from the pin records, sizes from `stat`). */
  async refreshFiles (): Promise<void> {
    const node = this.node
    if (node === undefined) return
    const files: LocalFile[] = []
    for await (const pin of node.service.pinLs()) files.push({ cid: pin.cid.toString(), name: pin.name === '' ? 'unnamed' : pin.name })
    files.sort((a, b) => a.name.localeCompare(b.name))
    this.files = files
    await Promise.all(files.map(async file => {
      const stat = await node.service.stat(file.cid).catch(() => undefined)
      const entry = this.files.find(f => f.cid === file.cid)
      if (stat !== undefined && entry !== undefined) {
        entry.size = stat.size
        entry.type = stat.type
        if (stat.type !== 'directory') entry.encrypted = await isEncrypted(node.service, file.cid).catch(() => false)
      }
    }))
  }

  /** Add files one after another, pinned under their names, reporting progress and throughput. */
  async add (files: Iterable<File>): Promise<void> {
    const node = this.node
    if (node === undefined) return
    for (const file of files) {
      const startedAt = performance.now()
      this.adding = { name: file.name, bytes: 0, total: file.size, startedAt, rate: 0 }
      this.addError = undefined
      const onProgress = ({ bytes }: { bytes: number }): void => {
        const seconds = (performance.now() - startedAt) / 1000
        this.adding = { name: file.name, bytes, total: file.size, startedAt, rate: seconds > 0 ? bytes / seconds : 0 }
      }
      try {
        const { cid } = this.encrypt
          ? await addEncrypted(node.service, file, [this.ownKeys().recipient], { name: file.name, onProgress })
          : await node.service.add(file, { name: file.name, onProgress })
        this.lastAdded = cid.toString()
      } catch (err) {
        const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : 'ERR_INTERNAL'
        this.addError = { code, message: `${file.name}: ${err instanceof Error ? err.message : String(err)}` }
      } finally {
        this.adding = undefined
      }
    }
    await this.refreshFiles()
  }

  /** Turn encryption of new files on or off (remembered in this browser). */
  setEncrypt (on: boolean): void {
    this.encrypt = on
    localStorage.setItem(ENCRYPT_KEY, String(on))
  }

  private ownKeys (): BrowserKeyring {
    if (this.keyring === undefined) throw new Error('this browser has no encryption keys (IndexedDB or WebCrypto X25519 is unavailable)')
    return this.keyring
  }

  /** The keys this browser decrypts with (none when the keyring could not open). */
  async decryptKeys (): Promise<DecryptOptions | undefined> {
    return this.keyring === undefined ? undefined : { identities: this.keyring.identities() }
  }

  /** A share link for an encrypted file this browser holds the key of (`#/share/<cid>?key=…`: the key stays in the fragment). */
  async shareLink (cid: string, name?: string): Promise<string> {
    const node = this.node
    if (node === undefined) throw new Error('the node is not running')
    return shareLink(node.service, cid, { identities: this.ownKeys().identities() }, `${location.origin}${location.pathname}`, name)
  }

  /**
   * Read a file into a Blob (for open and download), decrypted when it is an age file (with this browser's key, or
   * `keys` such as a share link's); `onProgress` hears the bytes read so far.
   */
  async blob (cid: string, type = 'application/octet-stream', onProgress?: (bytes: number) => void, keys?: DecryptOptions): Promise<Blob> {
    const node = this.node
    if (node === undefined) throw new Error('the node is not running')
    const parts: Uint8Array<ArrayBuffer>[] = []
    let bytes = 0
    const decryptWith = keys ?? await this.decryptKeys()
    const source = decryptWith === undefined ? node.service.cat(cid) : catDecrypted(node.service, cid, decryptWith)
    for await (const chunk of source) {
      parts.push(new Uint8Array(chunk))
      bytes += chunk.byteLength
      onProgress?.(bytes)
    }
    return new Blob(parts, { type })
  }

  /** Remove the pin of `cid` (its blocks may then be collected). */
  async unpin (cid: string): Promise<void> {
    await this.node?.service.pinRm(CID.parse(cid))
    await this.refreshFiles()
  }

  /** Save the relay URLs (one, or several separated by commas or spaces); the app reloads to start a node on them. */
  setRelayUrls (text: string): void {
    localStorage.setItem(RELAY_KEY, parseRelayUrls(text).join(','))
    location.reload()
  }

  /** Save the cluster secret (empty: leave the cluster); the app reloads to join with it. */
  setClusterSecret (secret: string): void {
    if (secret === '') localStorage.removeItem(CLUSTER_SECRET_KEY)
    else localStorage.setItem(CLUSTER_SECRET_KEY, secret)
    location.reload()
  }

  async stop (): Promise<void> {
    this.controller.abort()
    clearInterval(this.timer)
    await this.cluster?.stop()
    await this.node?.stop()
    this.keyring?.close()
  }
}
