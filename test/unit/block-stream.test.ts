/**
 * BlockStream between real libp2p nodes over TCP in this process (the browser node runs it over direct WebRTC
 * connections; test/e2e/mesh.e2e.test.ts covers that in Chromium): wants are answered in order from the other
 * node's local store, many at once; a block it lacks is "not there"; bytes that do not match their CID are never
 * returned; a peer without the protocol is not asked again.
 */
import { lpStream } from '@libp2p/utils'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, describe, expect, it } from 'vitest'
import { BLOCK_STREAM_PROTOCOL, BlockStream } from '../../core/blocks/block-stream.ts'
import { bytesEqual } from '../../core/blocks/bytes.ts'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { startTcpNode } from '../support/tcp-node.ts'
import type { Libp2p } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'

const running: Libp2p[] = []
const streams: BlockStream[] = []

async function node (): Promise<Libp2p> {
  const started = await startTcpNode()
  running.push(started)
  return started
}

async function blockOf (bytes: Uint8Array): Promise<{ cid: CID, bytes: Uint8Array }> {
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

/** Two connected nodes: `asking` asks, `holding` answers from `held`. */
async function pair (held: Blockstore, init: ConstructorParameters<typeof BlockStream>[1] = {}): Promise<{ asking: BlockStream, holdingNode: Libp2p, askingNode: Libp2p }> {
  const [askingNode, holdingNode] = await Promise.all([node(), node()])
  const holding = new BlockStream({ libp2p: holdingNode, localBlocks: held }, init)
  const asking = new BlockStream({ libp2p: askingNode, localBlocks: new MemoryBlockstore() }, init)
  await holding.start()
  await asking.start()
  streams.push(holding, asking)
  await askingNode.dial(holdingNode.getMultiaddrs())
  return { asking, holdingNode, askingNode }
}

/** The same bytes as a plain Uint8Array (Node's streams hand out Buffers, which equal no Uint8Array). */
function plain (bytes: Uint8Array | undefined): Uint8Array | undefined {
  return bytes === undefined ? undefined : new Uint8Array(bytes)
}

afterEach(async () => {
  await Promise.all(streams.splice(0).map(async s => s.stop()))
  await Promise.all(running.splice(0).map(async n => n.stop()))
})

describe('BlockStream', () => {
  it('answers many wants at once, each with its own verified block, in any order the asker awaits them', async () => {
    const held = new MemoryBlockstore()
    const blocks = await Promise.all(Array.from({ length: 40 }, async (_, i) => blockOf(pseudoRandomBytes(256 * 1024 + i, i + 1))))
    for (const block of blocks) await held.put(block.cid, block.bytes)
    // fewer slots than wants: the rest wait for answers
    const { asking } = await pair(held, { maxOutstanding: 4, readAhead: 3 })

    const got = await Promise.all(blocks.map(async block => asking.get(block.cid)))

    // compared as bytes: vitest's deep equality takes seconds per megabyte
    expect(got.map((bytes, i) => bytes !== undefined && blocks[i] !== undefined && bytesEqual(bytes, blocks[i].bytes))).toEqual(blocks.map(() => true))
  })

  it('resolves undefined for a block the peer does not hold, and keeps answering the next wants', async () => {
    const held = new MemoryBlockstore()
    const present = await blockOf(pseudoRandomBytes(1000, 3))
    const absent = await blockOf(pseudoRandomBytes(1000, 4))
    await held.put(present.cid, present.bytes)
    const { asking } = await pair(held)

    const [missing, found] = await Promise.all([asking.get(absent.cid), asking.get(present.cid)])

    expect(missing).toBeUndefined()
    expect(plain(found)).toEqual(present.bytes)
  })

  it('never returns bytes that do not match the CID asked for', async () => {
    const asked = await blockOf(pseudoRandomBytes(1000, 5))
    // a peer whose store answers every CID with other bytes
    const lying: Pick<Blockstore, 'get'> = { get: async function * () { yield pseudoRandomBytes(1000, 6) } }
    const { asking } = await pair(lying as Blockstore)

    expect(await asking.get(asked.cid)).toBeUndefined()
  })

  it('treats a peer that does not speak the protocol as holding nothing', async () => {
    const [askingNode, otherNode] = await Promise.all([node(), node()])
    const asking = new BlockStream({ libp2p: askingNode, localBlocks: new MemoryBlockstore() })
    await asking.start()
    streams.push(asking)
    await askingNode.dial(otherNode.getMultiaddrs())
    const block = await blockOf(pseudoRandomBytes(100, 7))

    expect(asking.hasPeers()).toBe(true)
    expect(await asking.get(block.cid)).toBeUndefined()
    expect(asking.hasPeers()).toBe(false)
  })

  it('stops waiting for a want when its signal aborts', async () => {
    const block = await blockOf(pseudoRandomBytes(100, 8))
    // a peer that never answers
    const silent: Pick<Blockstore, 'get'> = { get: async function * () { await new Promise(() => {}); yield new Uint8Array() } }
    const { asking } = await pair(silent as Blockstore)
    const controller = new AbortController()

    const want = asking.get(block.cid, { signal: controller.signal })
    setTimeout(() => { controller.abort() }, 100)

    await expect(want).rejects.toThrow(/abort/i)
  })

  it('closes a stream that stays silent while wants are outstanding, and lets that peer rest', async () => {
    const block = await blockOf(pseudoRandomBytes(100, 9))
    const silent: Pick<Blockstore, 'get'> = { get: async function * () { await new Promise(() => {}); yield new Uint8Array() } }
    const { asking } = await pair(silent as Blockstore, { stallMs: 300 })

    const started = Date.now()
    expect(await asking.get(block.cid)).toBeUndefined()
    expect(Date.now() - started).toBeLessThan(5000)
    // and the peer rests: the next want does not wait for it again
    expect(asking.hasPeers()).toBe(false)
    expect(await asking.get(block.cid)).toBeUndefined()
  })

  it('refuses an answer larger than its block limit', async () => {
    const big = await blockOf(pseudoRandomBytes(64 * 1024, 10))
    const held = new MemoryBlockstore()
    await held.put(big.cid, big.bytes)
    const { asking } = await pair(held, { maxBlockBytes: 16 * 1024 })

    expect(await asking.get(big.cid)).toBeUndefined()
  })

  it('never has more wants on the wire than its limit, however many readers ask at once', async () => {
    const held = new MemoryBlockstore()
    const blocks = await Promise.all(Array.from({ length: 24 }, async (_, i) => blockOf(pseudoRandomBytes(1000, 100 + i))))
    for (const block of blocks) await held.put(block.cid, block.bytes)
    let reading = 0
    let mostAtOnce = 0
    // the answering side would read up to 8 at once: what it reads at once is what the asking side has outstanding
    const counting: Pick<Blockstore, 'get'> = {
      get: async function * (cid) {
        reading++
        mostAtOnce = Math.max(mostAtOnce, reading)
        await new Promise(resolve => setTimeout(resolve, 20))
        reading--
        yield * held.get(cid)
      }
    }
    const { asking } = await pair(counting as Blockstore, { maxOutstanding: 3, readAhead: 8 })

    const got = await Promise.all(blocks.map(async block => asking.get(block.cid)))

    expect(got.every(bytes => bytes !== undefined)).toBe(true)
    expect(mostAtOnce).toBe(3)
  })

  it('still answers later wants after readers waiting for a slot gave up', async () => {
    const held = new MemoryBlockstore()
    const blocks = await Promise.all(Array.from({ length: 8 }, async (_, i) => blockOf(pseudoRandomBytes(1000, 200 + i))))
    for (const block of blocks) await held.put(block.cid, block.bytes)
    let open: () => void = () => {}
    const gate = new Promise<void>(resolve => { open = resolve })
    const gated: Pick<Blockstore, 'get'> = { get: async function * (cid) { await gate; yield * held.get(cid) } }
    const { asking } = await pair(gated as Blockstore, { maxOutstanding: 2 })
    const inFlight = blocks.slice(0, 2).map(async block => asking.get(block.cid))
    const gaveUp = new AbortController()
    const abandoned = blocks.slice(2, 7).map(async block => asking.get(block.cid, { signal: gaveUp.signal }))
    gaveUp.abort()
    await Promise.allSettled(abandoned)

    open()

    expect((await Promise.all(inFlight)).every(bytes => bytes !== undefined)).toBe(true)
    const later = blocks[7]
    if (later === undefined) throw new Error('no eighth block')
    expect(plain(await asking.get(later.cid))).toEqual(later.bytes)
  })

  it('one reader giving up fails neither another reader\'s want nor the peer', async () => {
    const held = new MemoryBlockstore()
    const block = await blockOf(pseudoRandomBytes(1000, 13))
    await held.put(block.cid, block.bytes)
    const { asking } = await pair(held)
    const gaveUp = new AbortController()

    const abandoned = asking.get(block.cid, { signal: gaveUp.signal })
    const kept = asking.get(block.cid)
    gaveUp.abort()

    await expect(abandoned).rejects.toThrow(/abort/i)
    expect(plain(await kept)).toEqual(block.bytes)
    expect(asking.hasPeers()).toBe(true)
    expect(plain(await asking.get(block.cid))).toEqual(block.bytes)
  })

  it('gives up wants that find no slot within the time limit, however the peer paces its answers, and keeps asking that peer', async () => {
    const held = new MemoryBlockstore()
    const blocks = await Promise.all(Array.from({ length: 5 }, async (_, i) => blockOf(pseudoRandomBytes(1000, 300 + i))))
    for (const block of blocks) await held.put(block.cid, block.bytes)
    // each answer comes a second after the one before it: never silent for stallMs, but slower than any want may wait
    const slow: Pick<Blockstore, 'get'> = { get: async function * (cid) { await new Promise(resolve => setTimeout(resolve, 1000)); yield * held.get(cid) } }
    const { asking } = await pair(slow as Blockstore, { maxOutstanding: 1, readAhead: 1, stallMs: 1500, wantTimeoutMs: 1500 })

    const started = Date.now()
    const got = await Promise.all(blocks.map(async block => asking.get(block.cid)))

    // five answers one second apart would take five seconds: the wants that found no slot within the limit gave up
    expect(Date.now() - started).toBeLessThan(3000)
    const answered = got.flatMap((bytes, i) => bytes === undefined ? [] : [i])
    expect(answered.length).toBeGreaterThanOrEqual(1)
    expect(answered.length).toBeLessThanOrEqual(2)
    for (const i of answered) expect(plain(got[i])).toEqual(blocks[i]?.bytes)
    // a peer busy answering others is not failed: it is asked again
    expect(asking.hasPeers()).toBe(true)
  })

  it('rests a peer that leaves a want on the wire unanswered past the limit, though it answers before stalling', async () => {
    const block = await blockOf(pseudoRandomBytes(100, 14))
    const held = new MemoryBlockstore()
    await held.put(block.cid, block.bytes)
    const late: Pick<Blockstore, 'get'> = { get: async function * (cid) { await new Promise(resolve => setTimeout(resolve, 1200)); yield * held.get(cid) } }
    const { asking } = await pair(late as Blockstore, { stallMs: 5000, wantTimeoutMs: 600 })

    expect(await asking.get(block.cid)).toBeUndefined()
    expect(asking.hasPeers()).toBe(false)
  })

  it('does not ask for identity CIDs (their bytes are in the CID)', async () => {
    const held = new MemoryBlockstore()
    const { asking } = await pair(held)
    const inline = CID.createV1(raw.code, identity.digest(pseudoRandomBytes(300, 15)))

    expect(await asking.get(inline)).toBeUndefined()
    expect(asking.hasPeers()).toBe(true)
  })

  it('answers wants written by hand in the documented wire format', async () => {
    const held = new MemoryBlockstore()
    const block = await blockOf(pseudoRandomBytes(5000, 11))
    await held.put(block.cid, block.bytes)
    const { askingNode, holdingNode } = await pair(held)
    const stream = await askingNode.dialProtocol(holdingNode.peerId, BLOCK_STREAM_PROTOCOL)
    const lp = lpStream(stream)
    const absent = await blockOf(pseudoRandomBytes(10, 12))

    await lp.write(block.cid.bytes)
    await lp.write(absent.cid.bytes)
    const first = (await lp.read()).subarray()
    const second = (await lp.read()).subarray()

    expect(first[0]).toBe(0)
    expect(plain(first.subarray(1))).toEqual(block.bytes)
    expect([...second]).toEqual([1])
    await stream.close()
  })
})
