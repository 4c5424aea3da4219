/**
 * A trustless gateway over the in-process Storacha service (`storacha-service.ts`), reading content the way
 * Storacha's own gateway (freeway) does: the indexing service's `assert/index` claim for the root gives the
 * sharded DAG index blob; `assert/location` claims give the storage node URLs of the index and of the CAR
 * shards; blocks are sliced out of the shards at the positions the index records. It answers
 * `GET /ipfs/<cid>?format=car` (the whole DAG, depth-first, `application/vnd.ipld.car`) and `?format=raw`
 * (one block). Like a real gateway it does not verify: the client must.
 *
 * Test hook: `corrupt(root)` flips the last byte of the root block as it is read from its shard, i.e. bit rot
 * on the storage node. (The storage nodes of `@storacha/upload-api/test/context` keep blobs in a private
 * closure, and their PUT stores by the digest of what was sent, so the stored bytes cannot be changed in place.)
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CarWriter } from '@ipld/car'
import { ShardedDAGIndex } from '@storacha/blob-index'
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { walkDag } from '../../../core/content/dag-walk.ts'
import type { StorachaService } from './storacha-service.ts'

/** A running gateway. */
export interface StorachaGateway {
  url: string
  /** How many GET /ipfs requests it answered. */
  requests: () => number
  corrupt: (root: CID) => void
  stop: () => Promise<void>
}

interface Claim { type: string, index?: { multihash: { bytes: Uint8Array } }, location?: string[] }

/** Where a block lives: a shard blob and a byte range in it. */
interface Slice { shard: Uint8Array, offset: number, length: number }

/** Start a gateway for `service` on a free loopback port. */
export async function startStorachaGateway (service: StorachaService): Promise<StorachaGateway> {
  const corrupted = new Set<string>()
  let served = 0

  const claimsFor = async (multihash: Uint8Array): Promise<Claim[]> => {
    const result = await service.context.indexingService.queryClaims({ hashes: [Digest.decode(multihash)] })
    if (result.ok === undefined) throw new Error(`indexing service: ${result.error?.message ?? 'no result'}`)
    return [...result.ok.claims.values()] as Claim[]
  }

  const fetchBlob = async (multihash: Uint8Array): Promise<Uint8Array | undefined> => {
    const location = (await claimsFor(multihash)).find(c => c.type === 'assert/location')?.location?.[0]
    if (location === undefined) return undefined
    const res = await fetch(location)
    return res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined
  }

  /** Every block of the content under `root`, by base58 multihash, or undefined when nothing indexes it. */
  const slicesOf = async (root: CID): Promise<Map<string, Slice> | undefined> => {
    const index = (await claimsFor(root.multihash.bytes)).find(c => c.type === 'assert/index')?.index
    if (index === undefined) return undefined
    const archive = await fetchBlob(index.multihash.bytes)
    if (archive === undefined) return undefined
    const extracted = ShardedDAGIndex.extract(archive)
    if (extracted.error !== undefined) throw new Error(`bad index: ${extracted.error.message}`)
    const slices = new Map<string, Slice>()
    for (const [shardDigest, positions] of extracted.ok.shards.entries()) {
      const shard = await fetchBlob(shardDigest.bytes)
      if (shard === undefined) continue
      for (const [slice, [offset, length]] of positions.entries()) slices.set(base58btc.encode(slice.bytes), { shard, offset, length })
    }
    return slices
  }

  const blockOf = (slices: Map<string, Slice>, cid: CID): Uint8Array | undefined => {
    const slice = slices.get(base58btc.encode(cid.multihash.bytes))
    if (slice === undefined) return undefined
    const bytes = slice.shard.slice(slice.offset, slice.offset + slice.length)
    if (corrupted.has(cid.toString()) && bytes.byteLength > 0) bytes[bytes.byteLength - 1] = (bytes[bytes.byteLength - 1] ?? 0) ^ 0xff
    return bytes
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const match = /^\/ipfs\/([^/]+)\/?$/.exec(url.pathname)
    const handle = async (): Promise<void> => {
      if (req.method !== 'GET' || match?.[1] === undefined) { res.writeHead(404).end(); return }
      served++
      let root: CID
      try { root = CID.parse(match[1]) } catch { res.writeHead(400).end('invalid CID'); return }
      const slices = await slicesOf(root)
      const rootBytes = slices === undefined ? undefined : blockOf(slices, root)
      if (slices === undefined || rootBytes === undefined) { res.writeHead(404).end('not found'); return }
      const format = url.searchParams.get('format') ?? (req.headers.accept?.includes('application/vnd.ipld.raw') === true ? 'raw' : 'car')
      if (format === 'raw') { res.writeHead(200, { 'Content-Type': 'application/vnd.ipld.raw' }).end(rootBytes); return }
      res.writeHead(200, { 'Content-Type': 'application/vnd.ipld.car; version=1', 'X-Content-Type-Options': 'nosniff' })
      const { writer, out } = CarWriter.create([root])
      const writing = (async () => {
        const reader = { get: async function * (cid: CID) { const bytes = blockOf(slices, cid); if (bytes === undefined) throw new Error(`missing ${cid.toString()}`); yield bytes } }
        try {
          for await (const block of walkDag(reader, root)) await writer.put(block)
        } finally {
          await writer.close()
        }
      })()
      for await (const chunk of out) res.write(chunk)
      await writing.catch(() => undefined) // a gateway that hits a missing block just ends the CAR early
      res.end()
    }
    handle().catch((err: unknown) => { if (!res.headersSent) res.writeHead(502).end(String(err)); else res.destroy() })
  })
  server.keepAliveTimeout = 120_000 // see storacha-service.ts: no idle-socket race with the client under load
  server.headersTimeout = 121_000
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => served,
    corrupt: (root) => { corrupted.add(root.toString()) },
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
