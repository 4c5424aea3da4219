import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { VerifiedBlockstore, collectBlock } from '../../core/blocks/index.ts'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'
import { pseudoRandomBytes, rawBlock } from '../support/fixtures.ts'

describe('FsBlockstore under concurrent writers', () => {
  it('keeps every block whole when many writers race on distinct and identical blocks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-race-'))
    try {
      const a = new FsBlockstore({ path: dir })
      const b = new FsBlockstore({ path: dir }) // a second handle on the same directory, as two writers would be
      await a.open()
      await b.open()
      const blocks = await Promise.all(Array.from({ length: 50 }, async (_, i) => rawBlock(pseudoRandomBytes(64 * 1024 + i, i + 1))))
      const writes = blocks.flatMap(block => [a.put(block.cid, block.bytes), b.put(block.cid, block.bytes), a.put(block.cid, block.bytes)])
      await Promise.all(writes)
      const verified = new VerifiedBlockstore(a)
      for (const block of blocks) {
        const bytes = await collectBlock(verified.get(block.cid))
        expect(bytes.byteLength).toBe(block.bytes.byteLength)
      }
      expect(await readdir(join(dir, 'tmp'))).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('honours an abort signal on get', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-abort-'))
    try {
      const store = new FsBlockstore({ path: dir })
      await store.open()
      const block = await rawBlock(pseudoRandomBytes(1000))
      await store.put(block.cid, block.bytes)
      const controller = new AbortController()
      controller.abort()
      await expect(collectBlock(store.get(block.cid, { signal: controller.signal }))).rejects.toThrow(/abort/i)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
