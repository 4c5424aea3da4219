import { describe, expect, it } from 'vitest'
import { assertFitsQuota, bytesNeededFor } from '../../app/node/quota-guard.ts'

const MiB = 1_048_576
const storage = (quota: number | undefined, usage: number | undefined) => ({ estimate: async () => ({ quota, usage }) })

describe('assertFitsQuota', () => {
  it('lets through a file that fits with room for UnixFS and IndexedDB overhead', async () => {
    await expect(assertFitsQuota(10 * MiB, { storage: storage(100 * MiB, 50 * MiB) })).resolves.toBeUndefined()
  })

  it('refuses a file larger than what is free with ERR_QUOTA_EXCEEDED', async () => {
    await expect(assertFitsQuota(60 * MiB, { storage: storage(100 * MiB, 50 * MiB) })).rejects.toMatchObject({ code: 'ERR_QUOTA_EXCEEDED' })
  })

  it('counts the overhead: a file of exactly the free bytes does not fit', async () => {
    await expect(assertFitsQuota(50 * MiB, { storage: storage(100 * MiB, 50 * MiB) })).rejects.toMatchObject({ code: 'ERR_QUOTA_EXCEEDED' })
    expect(bytesNeededFor(50 * MiB)).toBeGreaterThan(50 * MiB)
  })

  it('lets the write decide when the browser gives no estimate', async () => {
    await expect(assertFitsQuota(60 * MiB, { storage: storage(undefined, undefined) })).resolves.toBeUndefined()
  })

  it('honours an aborted signal before asking the browser', async () => {
    await expect(assertFitsQuota(1, { storage: storage(100, 0), signal: AbortSignal.abort() })).rejects.toThrow()
  })
})
