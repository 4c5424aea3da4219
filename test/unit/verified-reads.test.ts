import { mkdtemp, rm, writeFile, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { MemoryBlockstore, TieredBlockstore, VerifiedBlockstore, collectBlock, registerHasher } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'
import { blockKey, blockPath } from '../../node-relay/blocks/fs-layout.ts'
import { collect, pseudoRandomBytes, rawBlock, rejection } from '../support/fixtures.ts'
import type { CID } from 'multiformats/cid'
import type { Blockstore } from 'interface-blockstore'

const text = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s)

interface Case {
  name: string
  make: () => Promise<{ store: Blockstore, corrupt: (cid: CID) => Promise<void>, cleanup: () => Promise<void> }>
}

const cases: Case[] = [
  {
    name: 'memory',
    make: async () => {
      const store = new MemoryBlockstore()
      return { store, corrupt: async cid => { await store.put(cid, text('tampered')) }, cleanup: async () => {} }
    }
  },
  {
    name: 'filesystem',
    make: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-corrupt-'))
      const store = new FsBlockstore({ path: dir })
      await store.open()
      return {
        store,
        corrupt: async cid => { await writeFile(blockPath(dir, blockKey(cid)), text('tampered on disk')) },
        cleanup: async () => { await rm(dir, { recursive: true, force: true }) }
      }
    }
  },
  {
    name: 'tiered (memory LRU over memory)',
    make: async () => {
      const backing = new MemoryBlockstore()
      // a cache too small to hold the block, so reads reach the corrupted backing store
      const store = new TieredBlockstore(backing, { cacheBytes: 16 })
      return { store, corrupt: async cid => { await backing.put(cid, text('tampered')) }, cleanup: async () => {} }
    }
  }
]

describe('verified reads detect corruption in every store', () => {
  for (const c of cases) {
    it(`${c.name}: a tampered block is ERR_BLOCK_CORRUPT on get, getMany, getAll and cat`, async () => {
      const { store, corrupt, cleanup } = await c.make()
      try {
        const content = createContentStore({ blockstore: store })
        const { cid } = await content.add(pseudoRandomBytes(300_000))
        await corrupt(cid)
        const corrupted: string[] = []
        const verified = new VerifiedBlockstore(store, { onCorruptBlock: bad => { corrupted.push(bad.toString()) } })
        expect((await rejection(collectBlock(verified.get(cid)))).code).toBe('ERR_BLOCK_CORRUPT')
        expect((await rejection(Array.fromAsync(verified.getMany([cid])))).code).toBe('ERR_BLOCK_CORRUPT')
        expect((await rejection(Array.fromAsync(verified.getAll()))).code).toBe('ERR_BLOCK_CORRUPT')
        expect((await rejection(collect(content.cat(cid)))).code).toBe('ERR_BLOCK_CORRUPT')
        expect(corrupted).toContain(cid.toString())
      } finally {
        await cleanup()
      }
    })
  }

  it('refuses to store a block whose bytes do not match its CID', async () => {
    const verified = new VerifiedBlockstore(new MemoryBlockstore())
    const { cid } = await rawBlock(text('one thing'))
    expect((await rejection(verified.put(cid, text('another')))).code).toBe('ERR_BLOCK_CORRUPT')
    expect(await verified.has(cid)).toBe(false)
  })

  it('enforces the block size limit on write and on read', async () => {
    const inner = new MemoryBlockstore()
    const verified = new VerifiedBlockstore(inner, { maxBlockSize: 1024 })
    const big = await rawBlock(pseudoRandomBytes(2048))
    expect((await rejection(verified.put(big.cid, big.bytes))).code).toBe('ERR_BLOCK_TOO_LARGE')
    await inner.put(big.cid, big.bytes)
    expect((await rejection(collectBlock(verified.get(big.cid)))).code).toBe('ERR_BLOCK_TOO_LARGE')
  })

  it('has a 2 MiB default limit', async () => {
    const verified = new VerifiedBlockstore(new MemoryBlockstore())
    const ok = await rawBlock(pseudoRandomBytes(2 * 1024 * 1024))
    await verified.put(ok.cid, ok.bytes)
    const over = await rawBlock(pseudoRandomBytes(2 * 1024 * 1024 + 1))
    expect((await rejection(verified.put(over.cid, over.bytes))).code).toBe('ERR_BLOCK_TOO_LARGE')
  })

  it('says ERR_UNSUPPORTED_HASH for a hash it cannot check', async () => {
    const { CID } = await import('multiformats/cid')
    const { create } = await import('multiformats/hashes/digest')
    const blake3 = CID.createV1(0x55, create(0x1e, new Uint8Array(32)))
    const verified = new VerifiedBlockstore(new MemoryBlockstore())
    expect((await rejection(verified.put(blake3, text('x')))).code).toBe('ERR_UNSUPPORTED_HASH')
  })

  it('serves identity CIDs from the CID itself', async () => {
    const { CID } = await import('multiformats/cid')
    const { identity } = await import('multiformats/hashes/identity')
    const cid = CID.createV1(0x55, identity.digest(text('inline')))
    const verified = new VerifiedBlockstore(new MemoryBlockstore())
    expect(new TextDecoder().decode(await collectBlock(verified.get(cid)))).toBe('inline')
  })
})

describe('verified reads and the memory cache', () => {
  it('hashes a block once while the LRU keeps it, and again (catching corruption) once the LRU has dropped it', async () => {
    const { sha256 } = await import('multiformats/hashes/sha2')
    let digests = 0
    registerHasher({ name: sha256.name, code: sha256.code, encode: async (bytes: Uint8Array) => sha256.encode(bytes), digest: async (bytes: Uint8Array) => { digests++; return sha256.digest(bytes) } })
    try {
      const backing = new MemoryBlockstore()
      const tiered = new TieredBlockstore(backing, { cacheBytes: 1024 })
      const store = new VerifiedBlockstore(tiered, { verifyWrites: false })
      const a = await rawBlock(text('a'.repeat(600)))
      const b = await rawBlock(text('b'.repeat(600)))
      await store.put(a.cid, a.bytes)
      await store.put(b.cid, b.bytes)
      await collectBlock(store.get(a.cid))
      expect(digests).toBe(1)
      for (let i = 0; i < 5; i++) expect(await collectBlock(store.get(a.cid))).toEqual(a.bytes)
      expect(digests).toBe(1) // cache hits: the same verified array, not hashed again
      await collectBlock(store.get(b.cid)) // 1200 bytes > 1024: a leaves the LRU
      await backing.put(a.cid, text('tampered'))
      expect((await rejection(collectBlock(store.get(a.cid)))).code).toBe('ERR_BLOCK_CORRUPT')
      expect(digests).toBe(3)
    } finally {
      const { sha256 } = await import('multiformats/hashes/sha2')
      registerHasher(sha256)
    }
  })
})

describe('FsBlockstore crash safety', () => {
  it('empties tmp/ on open, so a write cut short leaves no file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-tmp-'))
    try {
      const store = new FsBlockstore({ path: dir })
      await store.open()
      await writeFile(join(dir, 'tmp', 'half-written.123.0'), text('torn'))
      await store.close()
      await store.open()
      expect(await readdir(join(dir, 'tmp'))).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('fails with ERR_STORE_CLOSED when used before open', async () => {
    const store = new FsBlockstore({ path: join(tmpdir(), 'never-opened') })
    const { cid, bytes } = await rawBlock(text('x'))
    expect((await rejection(store.put(cid, bytes))).code).toBe('ERR_STORE_CLOSED')
  })
})
