import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, expect, vi } from 'vitest'
import { collectBlock, verifyBlock, VerifiedBlockstore } from '../../core/blocks/index.ts'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'
import { blockKey, blockPath } from '../../node-relay/blocks/fs-layout.ts'
import { FileReadError, HashingReadPool } from '../../node-relay/blocks/hashing-reads.ts'
import type { HashedRead } from '../../node-relay/blocks/hashing-reads.ts'
import { pseudoRandomBytes, rawBlock, rejection } from '../support/fixtures.ts'

const run = promisify(execFile)

let dir: string
let pool: HashingReadPool

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-hashing-reads-'))
  pool = new HashingReadPool({ size: 2 })
  await pool.start()
})

/** A read the pool must take (its workers run). */
async function readIn (from: HashingReadPool, path: string, algorithm: string | undefined, options?: { signal?: AbortSignal }): Promise<HashedRead> {
  const read = from.read(path, algorithm, options)
  if (read === undefined) throw new Error('no read worker runs')
  return await read
}

afterAll(async () => {
  await pool.close()
  await rm(dir, { recursive: true, force: true })
})

async function storeWith (bytes: Uint8Array<ArrayBuffer>, hashingReads: HashingReadPool | false): Promise<{ store: FsBlockstore, cid: Awaited<ReturnType<typeof rawBlock>>['cid'] }> {
  const store = new FsBlockstore({ path: join(dir, `store-${Math.random().toString(36).slice(2)}`), hashingReads })
  await store.open()
  const { cid } = await rawBlock(bytes)
  await store.put(cid, bytes)
  return { store, cid }
}

describe('HashingReadPool', () => {
  it('reads a file whole in a worker and hashes exactly its bytes', async () => {
    const bytes = pseudoRandomBytes(3 * 1024 * 1024 + 17, 4)
    const path = join(dir, 'whole')
    await writeFile(path, bytes)
    const { bytes: read, digest } = await readIn(pool, path, 'sha256')
    expect(Buffer.from(read).equals(Buffer.from(bytes))).toBe(true)
    expect(Buffer.from(digest ?? []).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'))
    const empty = join(dir, 'empty')
    await writeFile(empty, new Uint8Array())
    expect((await readIn(pool, empty, 'sha512')).digest?.byteLength).toBe(64)
    expect((await readIn(pool, empty, undefined)).digest).toBeUndefined()
  })

  it('spreads reads in flight over its workers, never more than its size', async () => {
    const path = join(dir, 'spread')
    await writeFile(path, pseudoRandomBytes(256 * 1024, 5))
    const reads = await Promise.all(Array.from({ length: 12 }, async () => readIn(pool, path, 'sha256')))
    expect(new Set(reads.map(r => Buffer.from(r.digest ?? []).toString('hex'))).size).toBe(1)
    expect(pool.workerCount).toBe(2)
  })

  it('fails a missing file with the file system code, and an aborted read with the abort reason', async () => {
    const missing = await rejection(readIn(pool, join(dir, 'nope'), 'sha256'))
    expect(missing).toBeInstanceOf(FileReadError)
    expect(missing.code).toBe('ENOENT')
    const aborted = await rejection(readIn(pool, join(dir, 'whole'), 'sha256', { signal: AbortSignal.abort() }))
    expect(aborted.name).toBe('AbortError')
  })

  it('never makes a read wait for a worker to start: undefined until one runs, which the first call starts', async () => {
    const own = new HashingReadPool({ size: 3 })
    try {
      expect(own.read(join(dir, 'whole'), 'sha256')).toBeUndefined()
      expect(own.workerCount).toBe(1)
      // one worker starting at a time
      expect(own.read(join(dir, 'whole'), 'sha256')).toBeUndefined()
      expect(own.workerCount).toBe(1)
      const deadline = Date.now() + 15_000
      let read = own.read(join(dir, 'whole'), 'sha256')
      while (read === undefined && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 5))
        read = own.read(join(dir, 'whole'), 'sha256')
      }
      expect((await read)?.digest?.byteLength).toBe(32)
      await own.start()
      expect(own.workerCount).toBe(3)
    } finally {
      await own.close()
    }
  })

  it('fails reads still waiting when it is closed, and takes none after', async () => {
    const own = new HashingReadPool({ size: 1 })
    const path = join(dir, 'closing')
    await writeFile(path, pseudoRandomBytes(8 * 1024 * 1024, 6))
    await own.start()
    const waiting = rejection(readIn(own, path, 'sha256'))
    await own.close()
    expect(await waiting).toBeInstanceOf(FileReadError)
    expect(own.read(path, 'sha256')).toBeUndefined()
  })

  it('does not keep a process alive once its reads are done, nor with idle workers', async () => {
    const module = new URL('../../node-relay/blocks/hashing-reads.ts', import.meta.url).href
    const path = JSON.stringify(join(dir, 'whole'))
    const script = `
      import { HashingReadPool } from ${JSON.stringify(module)}
      const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
      const pool = new HashingReadPool({ size: 2 })
      // the first call starts a worker without waiting for it
      if (pool.read(${path}, 'sha256') !== undefined) throw new Error('a worker ran at once')
      await sleep(1000)
      // two reads at once: both go to the running worker, and a second one starts, then idles, never given a read
      const digests = await Promise.all([pool.read(${path}, 'sha256'), pool.read(${path}, 'sha256')])
      await sleep(1000)
      if (pool.workerCount !== 2) throw new Error('no second worker')
      process.stdout.write(digests.map(({ digest }) => digest.byteLength).join(','))
    `
    const started = Date.now()
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 })
    expect(stdout).toBe('32,32')
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  it('keeps a process alive while start() waits for its workers', async () => {
    const module = new URL('../../node-relay/blocks/hashing-reads.ts', import.meta.url).href
    const script = `
      import { HashingReadPool } from ${JSON.stringify(module)}
      const pool = new HashingReadPool({ size: 2 })
      await pool.start()
      process.stdout.write(String(pool.workerCount))
    `
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 })
    expect(stdout).toBe('2')
  })
})

describe('FsBlockstore reads its caller verifies', () => {
  it('are hashed in the pool, so verifyBlock on the event loop does not hash them again', async () => {
    const { store, cid } = await storeWith(pseudoRandomBytes(1024 * 1024, 7), pool)
    const digest = vi.spyOn(sha256, 'digest')
    try {
      const verified = new VerifiedBlockstore(store)
      const bytes = await collectBlock(verified.get(cid))
      expect(bytes.byteLength).toBe(1024 * 1024)
      expect(digest).not.toHaveBeenCalled()
      // a read nobody verifies is not hashed at all
      await collectBlock(store.get(cid))
      expect(digest).not.toHaveBeenCalled()
    } finally {
      digest.mockRestore()
    }
  })

  it('hash sha2-512 blocks in the pool too', async () => {
    const store = new FsBlockstore({ path: join(dir, `store-${Math.random().toString(36).slice(2)}`), hashingReads: pool })
    await store.open()
    const bytes = pseudoRandomBytes(256 * 1024, 14)
    const cid = CID.createV1(raw.code, await sha512.digest(bytes))
    await store.put(cid, bytes)
    const digest = vi.spyOn(sha512, 'digest')
    try {
      const read = await collectBlock(new VerifiedBlockstore(store).get(cid))
      expect(Buffer.from(read).equals(Buffer.from(bytes))).toBe(true)
      expect(digest).not.toHaveBeenCalled()
    } finally {
      digest.mockRestore()
    }
  })

  it('are read on the event loop and hashed there until a worker of the pool runs', async () => {
    const own = new HashingReadPool({ size: 1 })
    try {
      const { store, cid } = await storeWith(pseudoRandomBytes(64 * 1024, 13), own)
      const digest = vi.spyOn(sha256, 'digest')
      try {
        await collectBlock(new VerifiedBlockstore(store).get(cid))
        expect(digest).toHaveBeenCalledTimes(1)
        await own.start()
        await collectBlock(new VerifiedBlockstore(store).get(cid))
        expect(digest).toHaveBeenCalledTimes(1)
      } finally {
        digest.mockRestore()
      }
    } finally {
      await own.close()
    }
  })

  it('with hashingReads false, are read on the event loop and hashed there', async () => {
    const { store, cid } = await storeWith(pseudoRandomBytes(64 * 1024, 8), false)
    const digest = vi.spyOn(sha256, 'digest')
    try {
      await collectBlock(new VerifiedBlockstore(store).get(cid))
      expect(digest).toHaveBeenCalledTimes(1)
    } finally {
      digest.mockRestore()
    }
  })

  it('record what the bytes hash to, not what the CID claims: a block changed on disk fails verification', async () => {
    const { store, cid } = await storeWith(pseudoRandomBytes(512 * 1024, 9), pool)
    // the same length, other bytes: only the hash tells them apart
    await writeFile(blockPath(store.path, blockKey(cid)), pseudoRandomBytes(512 * 1024, 10))
    const read = await collectBlock(store.get(cid, { verifying: true }))
    expect((await rejection(verifyBlock(cid, read))).code).toBe('ERR_BLOCK_CORRUPT')
    expect((await rejection(collectBlock(new VerifiedBlockstore(store).get(cid)))).code).toBe('ERR_BLOCK_CORRUPT')
  })

  it('answer a missing block with ERR_NOT_FOUND, as any read', async () => {
    const { store } = await storeWith(pseudoRandomBytes(1024, 11), pool)
    const { cid: absent } = await rawBlock(pseudoRandomBytes(1024, 12))
    expect((await rejection(collectBlock(store.get(absent, { verifying: true })))).code).toBe('ERR_NOT_FOUND')
  })
})
