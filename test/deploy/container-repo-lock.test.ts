/**
 * The data directory lock as a container sees it: the relay is always pid 1, so a lock left by a container that was
 * killed names the pid of the next container's relay too. It must be taken over, while a second relay in the same
 * process is still refused.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { lockRepo } from '../../node-relay/node/repo-lock.ts'

let dataDir: string
beforeEach(async () => { dataDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-lock-')) })
afterEach(async () => { await rm(dataDir, { recursive: true, force: true }) })

describe('repo lock in a container', () => {
  it('takes over a stale lock that holds our own pid', async () => {
    await writeFile(join(dataDir, 'repo.lock'), String(process.pid))
    const lock = await lockRepo(dataDir)
    await lock.release()
  })

  it('still refuses a second lock on the same directory from this process', async () => {
    const lock = await lockRepo(dataDir)
    try {
      await expect(lockRepo(dataDir)).rejects.toMatchObject({ code: 'ERR_STORAGE' })
    } finally {
      await lock.release()
    }
    const again = await lockRepo(dataDir)
    await again.release()
  })
})
