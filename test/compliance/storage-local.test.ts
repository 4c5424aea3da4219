import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { createLocalBackend, readVerifiedDag } from '../../core/storage/index.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'
import { storageBackendTests } from './storage-backend-suite.ts'
import type { StorageBackendFixture } from './storage-backend-suite.ts'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Flip the last byte of a stored block, writing straight into the store (which does not verify). */
async function flipLastByte (store: Blockstore, cid: CID): Promise<void> {
  const chunks: Uint8Array[] = []
  for await (const chunk of store.get(cid)) chunks.push(chunk)
  const bytes = Uint8Array.from(Buffer.concat(chunks))
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff
  await store.put(cid, bytes)
}

describe('local backend over MemoryBlockstore: storage backend compliance', () => {
  storageBackendTests({
    setup: async () => {
      const store = new MemoryBlockstore()
      return { backend: createLocalBackend({ name: 'local', blockstore: store }), corrupt: async (root) => { await flipLastByte(store, root) } }
    },
    teardown: async () => {}
  })
})

const dirs = new WeakMap<StorageBackendFixture, string>()

describe('local backend over FsBlockstore: storage backend compliance', () => {
  storageBackendTests({
    setup: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-local-backend-'))
      const store = new FsBlockstore({ path: dir })
      await store.open()
      const fixture: StorageBackendFixture = { backend: createLocalBackend({ name: 'local', blockstore: store }), corrupt: async (root) => { await flipLastByte(store, root) } }
      dirs.set(fixture, dir)
      return fixture
    },
    teardown: async (fixture) => {
      const dir = dirs.get(fixture)
      if (dir !== undefined) await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('local backend put', () => {
  it('writes only the blocks the store lacks, in walk order, and reports the whole size', async () => {
    const source = new MemoryBlockstore()
    const { cid: root } = await createContentStore({ blockstore: source }).add(pseudoRandomBytes(40 * 1024, 3), { chunker: { type: 'fixed', size: 1024 } })
    const blocks = await Array.fromAsync(readVerifiedDag(source, root))
    const store = new MemoryBlockstore()
    // every third block is already there
    const present = blocks.filter((_, i) => i % 3 === 0)
    for (const block of present) await store.put(block.cid, block.bytes)
    const written: string[] = []
    const putMany = store.putMany.bind(store)
    store.putMany = async function * (source, options) {
      yield * putMany((async function * () {
        for await (const pair of source) {
          written.push(pair.cid.toString())
          yield pair
        }
      })(), options)
    }
    const result = await createLocalBackend({ name: 'local', blockstore: store }).put(root, source)
    expect(written).toEqual(blocks.filter((_, i) => i % 3 !== 0).map(block => block.cid.toString()))
    expect(result.size).toBe(blocks.reduce((n, block) => n + block.bytes.byteLength, 0))
    for (const block of blocks) expect(await store.has(block.cid)).toBe(true)
  })

  it('asks the store about several blocks at once, not one block after another', async () => {
    const source = new MemoryBlockstore()
    const { cid: root } = await createContentStore({ blockstore: source }).add(pseudoRandomBytes(40 * 1024, 4), { chunker: { type: 'fixed', size: 1024 } })
    const store = new MemoryBlockstore()
    const has = store.has.bind(store)
    let inFlight = 0
    let most = 0
    store.has = async (cid, options) => {
      most = Math.max(most, ++inFlight)
      await new Promise(resolve => setTimeout(resolve, 2))
      inFlight--
      return has(cid, options)
    }
    await createLocalBackend({ name: 'local', blockstore: store }).put(root, source)
    expect(most).toBeGreaterThan(1)
  })
})
