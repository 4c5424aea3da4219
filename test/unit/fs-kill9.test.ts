import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { VerifiedBlockstore } from '../../core/blocks/index.ts'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'

const child = fileURLToPath(new URL('../support/add-until-killed.ts', import.meta.url))

/** Start the child add and kill -9 it once `killAt` bytes have been read. */
async function addThenKill (dir: string, killAt: number): Promise<number> {
  const proc = spawn(process.execPath, [child, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let read = 0
    proc.stdout.setEncoding('utf8')
    proc.stdout.on('data', (text: string) => {
      for (const line of text.split('\n')) {
        if (line === 'done') reject(new Error('the add finished before it could be killed'))
        const n = Number(line)
        if (line !== '' && Number.isFinite(n)) read = n
      }
      if (read >= killAt) proc.kill('SIGKILL')
    })
    proc.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(read)
      else reject(new Error(`child exited without being killed (signal ${String(signal)})`))
    })
  })
}

describe('kill -9 in the middle of a 1 GiB add', () => {
  it('leaves a store that opens cleanly and holds no torn block', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-kill9-'))
    try {
      const read = await addThenKill(dir, 96 * 1024 * 1024)
      expect(read).toBeGreaterThanOrEqual(96 * 1024 * 1024)
      const store = new FsBlockstore({ path: dir })
      await store.open()
      expect(await readdir(join(dir, 'tmp'))).toEqual([])
      let blocks = 0
      for await (const { bytes } of new VerifiedBlockstore(store).getAll()) {
        for await (const chunk of bytes) expect(chunk.byteLength).toBe(1024 * 1024)
        blocks++
      }
      // every block that reached its final name is whole and verifies (getAll above throws otherwise)
      expect(blocks).toBeGreaterThan(32)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
