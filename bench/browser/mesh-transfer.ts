/**
 * Browser-to-browser benchmark, in Debian's Chromium with a real relay: two tabs (own contexts, own IndexedDB) meet
 * through the relay and connect over WebRTC. In the same run and between the same two pages it measures
 *
 * - `raw RTCDataChannel`: A sends N MiB to B over a plain data channel (64 KiB messages, `bufferedAmountLow` flow
 *   control) — the limit of the transport on this machine;
 * - `libp2p stream, same connection`: A writes N MiB into a plain libp2p stream on the node's WebRTC connection to B
 *   (64 KiB writes; B only counts them) — what the libp2p transport keeps of the channel, nothing read or stored;
 * - `ipfs-kit cat over WebRTC`: A adds N MiB of fresh random bytes, B reads them by CID (the block stream over the
 *   direct WebRTC connection, every block verified and stored in B's IndexedDB);
 * - `ipfs-kit add via worker`: a third tab adds (and pins) M MiB with its blocks in IndexedDB inside the storage
 *   worker (comlink);
 * - `raw IndexedDB, same tab`: that tab writes M MiB of 256 KiB values into a fresh database in one transaction, as
 *   `idb-add.ts`'s raw row does, interleaved with the adds: the add's baseline under the same conditions (the other
 *   tabs, their connections, the same renderer).
 *
 * @example
 * ```sh
 * npx tsx bench/browser/mesh-transfer.ts --size 16 --runs 3
 * ```
 */
import { parseArgs } from 'node:util'
import { startTestRelay } from '../../test/relay/support.ts'
import { addRandomFile, catFile, launchChromium, openPeer, waitForConnection, waitForOnlyKind } from '../../test/e2e/support/browser-peers.ts'
import { startPageServer } from '../../test/e2e/support/page-server.ts'
import { MIB, toRow } from '../lib/report.ts'
import type { BrowserPeer } from '../../test/e2e/support/browser-peers.ts'
import type { MeshTestWindow } from '../../test/e2e/pages/mesh-window.ts'
import type { ResultRow } from '../lib/report.ts'
import type { Page } from 'playwright-core'

/** Options of {@link runMeshTransferBench}. */
export interface MeshTransferOptions {
  /** Bytes moved page to page per run, MiB (default 16); one transfer group per size, between the same two pages. */
  transferMiB?: number | number[]
  /** Bytes added through the worker per run, MiB (default 64). */
  addMiB?: number
  /** Timed runs per measurement (default 3); the median is reported. */
  runs?: number
}

/** Rows of the two groups this bench fills. */
export interface MeshTransferResult {
  transfer: ResultRow[]
  workerAdd: ResultRow
  /** Raw IndexedDB in the add's tab, interleaved with its adds: the add's baseline. */
  rawIdbSameTab: ResultRow
}

export const MESH_ROWS = {
  raw: 'raw RTCDataChannel',
  stream: 'libp2p stream, same connection',
  cat: 'ipfs-kit cat over WebRTC',
  workerAdd: 'ipfs-kit add via worker',
  rawIdbSameTab: 'raw IndexedDB, same tab'
} as const

interface RawChannelWindow {
  benchPc?: RTCPeerConnection
  benchChannel?: RTCDataChannel
  benchReceived?: Promise<number>
}

/** Offer/answer between two pages (the test is the signalling channel); both sides share `iceServers: []`. */
async function openRawChannel (a: Page, b: Page): Promise<void> {
  const offer = await a.evaluate(async () => {
    const w = window as unknown as RawChannelWindow
    const pc = new RTCPeerConnection({ iceServers: [] })
    w.benchPc = pc
    w.benchChannel = pc.createDataChannel('bench', { ordered: true })
    w.benchChannel.binaryType = 'arraybuffer'
    await pc.setLocalDescription(await pc.createOffer())
    await new Promise<void>(resolve => {
      if (pc.iceGatheringState === 'complete') resolve()
      pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve() })
    })
    return pc.localDescription?.toJSON() as RTCSessionDescriptionInit
  })
  const answer = await b.evaluate(async (offer) => {
    const w = window as unknown as RawChannelWindow
    const pc = new RTCPeerConnection({ iceServers: [] })
    w.benchPc = pc
    pc.addEventListener('datachannel', event => { w.benchChannel = event.channel; w.benchChannel.binaryType = 'arraybuffer' })
    await pc.setRemoteDescription(offer)
    await pc.setLocalDescription(await pc.createAnswer())
    await new Promise<void>(resolve => {
      if (pc.iceGatheringState === 'complete') resolve()
      pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve() })
    })
    return pc.localDescription?.toJSON() as RTCSessionDescriptionInit
  }, offer)
  await a.evaluate(async (answer) => {
    const w = window as unknown as RawChannelWindow
    await w.benchPc?.setRemoteDescription(answer)
    const channel = w.benchChannel
    if (channel === undefined) throw new Error('no channel')
    if (channel.readyState !== 'open') await new Promise(resolve => channel.addEventListener('open', resolve, { once: true }))
  }, answer)
  await b.waitForFunction(() => (window as unknown as RawChannelWindow).benchChannel?.readyState === 'open', undefined, { timeout: 20_000 })
}

/** A sends `bytes` to B; resolves with the seconds from the first send to the last byte received. */
async function rawTransfer (a: Page, b: Page, bytes: number): Promise<number> {
  await b.evaluate((total) => {
    const w = window as unknown as RawChannelWindow
    const channel = w.benchChannel
    if (channel === undefined) throw new Error('no channel')
    w.benchReceived = new Promise<number>(resolve => {
      let got = 0
      // a property, not a named function: tsx's keepNames would wrap a named one in a helper the page lacks
      channel.onmessage = (event: MessageEvent<ArrayBuffer>) => {
        got += event.data.byteLength
        if (got >= total) {
          channel.onmessage = null
          resolve(performance.timeOrigin + performance.now())
        }
      }
    })
  }, bytes)
  const startedAt = await a.evaluate(async (total) => {
    const channel = (window as unknown as RawChannelWindow).benchChannel
    if (channel === undefined) throw new Error('no channel')
    const message = new Uint8Array(65_536)
    crypto.getRandomValues(message)
    channel.bufferedAmountLowThreshold = 1 << 20
    const started = performance.timeOrigin + performance.now()
    for (let sent = 0; sent < total; sent += message.byteLength) {
      if (channel.bufferedAmount > 4 << 20) await new Promise(resolve => channel.addEventListener('bufferedamountlow', resolve, { once: true }))
      channel.send(message.subarray(0, Math.min(message.byteLength, total - sent)))
    }
    return started
  }, bytes)
  const receivedAt = await b.evaluate(async () => (window as unknown as RawChannelWindow).benchReceived)
  if (receivedAt === undefined) throw new Error('receiver was not ready')
  return (receivedAt - startedAt) / 1000
}

/** The protocol of the plain-stream row: registered on B for the bench only. */
const BENCH_STREAM_PROTOCOL = '/ipfs-kit/bench/stream/1.0.0'

/**
 * A writes `bytes` into a plain libp2p stream on its direct WebRTC connection to B (64 KiB writes, `send` then
 * `onDrain`), B counts them; resolves with the seconds from the stream's opening to B's last byte.
 */
async function streamTransfer (a: BrowserPeer, b: BrowserPeer, bytes: number): Promise<number> {
  await b.page.evaluate(async ({ total, protocol }) => {
    const w = window as unknown as MeshTestWindow & { benchStreamDone?: Promise<number> }
    const libp2p = w.ipfsKit?.libp2p
    if (libp2p === undefined) throw new Error('no node')
    await libp2p.unhandle(protocol)
    w.benchStreamDone = new Promise<number>((resolve, reject) => {
      libp2p.handle(protocol, async (stream) => {
        let got = 0
        for await (const piece of stream) {
          got += piece.byteLength
          if (got >= total) break
        }
        resolve(performance.timeOrigin + performance.now())
        await stream.close().catch(() => {})
      }).catch(reject)
    })
  }, { total: bytes, protocol: BENCH_STREAM_PROTOCOL })
  // A's side of the direct connection: B may list it first, and a connection replaced during the run reappears
  await waitForConnection(a, b.peerId, 'webrtc', 30_000)
  const startedAt = await a.page.evaluate(async ({ total, peer, protocol }) => {
    const libp2p = (window as unknown as MeshTestWindow).ipfsKit?.libp2p
    const connection = libp2p?.getConnections().find(c => c.remotePeer.toString() === peer && c.limits === undefined && c.remoteAddr.toString().includes('/webrtc'))
    if (connection === undefined) throw new Error('no direct WebRTC connection to B')
    const started = performance.timeOrigin + performance.now()
    const stream = await connection.newStream(protocol)
    const message = new Uint8Array(65_536)
    crypto.getRandomValues(message)
    for (let sent = 0; sent < total; sent += message.byteLength) {
      if (!stream.send(message.subarray(0, Math.min(message.byteLength, total - sent)))) await stream.onDrain()
    }
    await stream.close()
    return started
  }, { total: bytes, peer: b.peerId, protocol: BENCH_STREAM_PROTOCOL })
  const receivedAt = await b.page.evaluate(async () => (window as unknown as { benchStreamDone?: Promise<number> }).benchStreamDone)
  if (receivedAt === undefined) throw new Error('receiver was not ready')
  return (receivedAt - startedAt) / 1000
}

/** Kinds of B's open connections to A. */
async function kindsTo (b: BrowserPeer, a: BrowserPeer): Promise<string[]> {
  return (await b.connections()).filter(c => c.peerId === a.peerId).map(c => c.kind)
}

/**
 * A adds `bytes` fresh bytes, B reads them by CID; returns B's seconds. Timed only while B reaches A over WebRTC
 * alone: a round during which a relayed connection appeared (its bytes may have taken the relay) is run again, once.
 */
async function catOverWebRTC (a: BrowserPeer, b: BrowserPeer, bytes: number): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    await waitForOnlyKind(b, a.peerId, 'webrtc', 15_000)
    const file = await addRandomFile(a, bytes)
    const got = await catFile(b, file.cid)
    if (got.sha256 !== file.sha256) throw new Error('B read different bytes than A added')
    const kinds = await kindsTo(b, a)
    if (kinds.every(kind => kind === 'webrtc')) return got.ms / 1000
    if (attempt === 2) throw new Error(`B reached A over ${kinds.join(', ')} in two rounds, not only WebRTC`)
    console.error(`[webrtc] a relayed connection appeared during the read (${kinds.join(', ')}); running the round again`)
  }
}

/** Adds `bytes` random bytes through the storage worker; returns the seconds `service.add` took. */
async function workerAdd (peer: BrowserPeer, bytes: number): Promise<number> {
  const { ms } = await addRandomFile(peer, bytes)
  return ms / 1000
}

/**
 * Writes `bytes` random bytes as 256 KiB values into a fresh IndexedDB database in one transaction, on the tab's main
 * thread (`idb-page.ts`'s raw row); returns the seconds from the first put to the commit. The database is deleted.
 */
async function rawIdbInTab (peer: BrowserPeer, bytes: number): Promise<number> {
  const ms = await peer.page.evaluate(async (size) => {
    const valueSize = 256 * 1024
    const values: Uint8Array[] = []
    for (let at = 0; at < size; at += valueSize) {
      const value = new Uint8Array(Math.min(valueSize, size - at))
      for (let i = 0; i < value.byteLength; i += 65_536) crypto.getRandomValues(value.subarray(i, Math.min(value.byteLength, i + 65_536)))
      values.push(value)
    }
    const name = `bench-raw-${crypto.randomUUID()}`
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(name, 1)
      open.onupgradeneeded = () => { open.result.createObjectStore('blocks') }
      open.onsuccess = () => { resolve(open.result) }
      open.onerror = () => { reject(open.error ?? new Error('open failed')) }
    })
    try {
      const started = performance.now()
      const tx = db.transaction('blocks', 'readwrite')
      const store = tx.objectStore('blocks')
      values.forEach((value, i) => { store.put(value, `block-${i}`) })
      tx.commit()
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => { resolve() }
        tx.onerror = () => { reject(tx.error ?? new Error('transaction failed')) }
        tx.onabort = () => { reject(tx.error ?? new Error('transaction aborted')) }
      })
      return performance.now() - started
    } finally {
      db.close()
      await new Promise<void>(resolve => { const del = indexedDB.deleteDatabase(name); del.onsuccess = () => { resolve() }; del.onerror = () => { resolve() } })
    }
  }, bytes)
  return ms / 1000
}

/**
 * Runs the four measurements and returns report rows: the transfer rows (group `webrtc N MiB`, ratios against the
 * raw channel) and the worker add row (group `browser M MiB`, the group of `idb-add.ts`, so run.ts can set it
 * against raw IndexedDB).
 */
export async function runMeshTransferBench (options: MeshTransferOptions = {}): Promise<MeshTransferResult> {
  const transferSizes = [options.transferMiB ?? 16].flat()
  const addMiB = options.addMiB ?? 64
  const runs = options.runs ?? 3
  const relay = await startTestRelay()
  const pages = await startPageServer()
  const browser = await launchChromium()
  const peers: BrowserPeer[] = []
  try {
    const relayAddr = relay.node.libp2p.getMultiaddrs().map(String).find(addr => addr.includes('/ws/'))
    if (relayAddr === undefined) throw new Error('relay has no WebSocket address')
    const [a, b] = await Promise.all([openPeer(browser, pages.url, relayAddr, 'bench-a'), openPeer(browser, pages.url, relayAddr, 'bench-b')])
    peers.push(a, b)
    await waitForConnection(b, a.peerId, 'webrtc', 60_000)
    await waitForConnection(a, b.peerId, 'webrtc', 60_000)
    await openRawChannel(a.page, b.page)

    await rawTransfer(a.page, b.page, Math.min(...transferSizes, 4) * MIB) // warm-up
    await streamTransfer(a, b, Math.min(...transferSizes, 4) * MIB)
    const transfer: ResultRow[] = []
    for (const transferMiB of transferSizes) {
      const raw: number[] = []
      const stream: number[] = []
      const cat: number[] = []
      for (let run = 0; run < runs; run++) {
        raw.push(await rawTransfer(a.page, b.page, transferMiB * MIB))
        stream.push(await streamTransfer(a, b, transferMiB * MIB))
        cat.push(await catOverWebRTC(a, b, transferMiB * MIB))
      }
      const group = `webrtc ${transferMiB} MiB`
      const rawRow = toRow(group, { name: MESH_ROWS.raw, bytes: transferMiB * MIB, samples: raw })
      const streamRow = toRow(group, { name: MESH_ROWS.stream, bytes: transferMiB * MIB, samples: stream }, [rawRow])
      transfer.push(rawRow, streamRow, toRow(group, { name: MESH_ROWS.cat, bytes: transferMiB * MIB, samples: cat }, [rawRow, streamRow]))
    }

    const w = await openPeer(browser, pages.url, relayAddr, 'bench-worker', { storage: 'worker' })
    peers.push(w)
    await workerAdd(w, Math.min(addMiB, 4) * MIB) // warm-up: worker start, IndexedDB open
    await rawIdbInTab(w, Math.min(addMiB, 4) * MIB)
    const adds: number[] = []
    const raws: number[] = []
    for (let run = 0; run < runs; run++) {
      raws.push(await rawIdbInTab(w, addMiB * MIB))
      adds.push(await workerAdd(w, addMiB * MIB))
    }
    const group = `browser ${addMiB} MiB`
    const rawIdbSameTab = toRow(group, { name: MESH_ROWS.rawIdbSameTab, bytes: addMiB * MIB, samples: raws })
    return {
      transfer,
      rawIdbSameTab,
      workerAdd: toRow(group, { name: MESH_ROWS.workerAdd, bytes: addMiB * MIB, samples: adds }, [rawIdbSameTab])
    }
  } finally {
    await Promise.all(peers.map(async peer => peer.close()))
    await browser.close()
    await pages.close()
    await relay.destroy()
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const { values } = parseArgs({ options: { size: { type: 'string', default: '16' }, add: { type: 'string', default: '64' }, runs: { type: 'string', default: '3' } } })
  const result = await runMeshTransferBench({ transferMiB: values.size.split(',').map(Number), addMiB: Number(values.add), runs: Number(values.runs) })
  for (const row of [...result.transfer, result.rawIdbSameTab, result.workerAdd]) {
    const ratios = Object.entries(row.ratios).map(([name, ratio]) => `${ratio.toFixed(2)}× ${name}`).join(', ')
    console.log(`${row.group.padEnd(16)} ${row.name.padEnd(28)} ${row.mibPerSecond.toFixed(2).padStart(8)} MiB/s  ${ratios}`)
  }
}
