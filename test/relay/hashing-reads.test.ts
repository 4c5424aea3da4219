import { availableParallelism } from 'node:os'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it, vi } from 'vitest'
import { sharedHashingReadPool } from '../../node-relay/blocks/hashing-reads.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { addBytes, startTestRelay } from './support.ts'

// its own file: vitest gives each file fresh modules, so the shared pool here is the one this relay started
describe('a relay reads and hashes the blocks it verifies in worker threads (docs/PERFORMANCE.md, Local backend reads)', () => {
  it('starts the read workers with its store, and a gateway read from disk hashes nothing on the event loop', async () => {
    const relay = await startTestRelay()
    try {
      expect(sharedHashingReadPool().workerCount).toBe(Math.min(4, availableParallelism()))
      const bytes = pseudoRandomBytes(3 * 1024 * 1024 + 100, 21)
      const { cid } = await addBytes(relay.url, bytes)
      // the add left its blocks on disk only (the memory cache keeps blocks once read): this read goes to the files
      const digest = vi.spyOn(sha256, 'digest')
      try {
        const res = await fetch(`${relay.url}/ipfs/${cid}`)
        expect(res.status).toBe(200)
        expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true)
        expect(digest).not.toHaveBeenCalled()
      } finally {
        digest.mockRestore()
      }
    } finally {
      await relay.destroy()
    }
  })
})
