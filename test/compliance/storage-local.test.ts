import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createLocalBackend } from '../../core/storage/index.ts'
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
