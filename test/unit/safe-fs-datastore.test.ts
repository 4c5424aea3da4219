/**
 * The relay's datastore (`node-relay/node/safe-fs-datastore.ts`): puts remember the directories they made, and a
 * directory removed behind the store's back is made again by the next put instead of failing it; only a missing record
 * reads as not found.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Key } from 'interface-datastore'
import { afterEach, describe, expect, it } from 'vitest'
import { SafeFsDatastore } from '../../node-relay/node/safe-fs-datastore.ts'

describe('SafeFsDatastore', () => {
  const dirs: string[] = []
  afterEach(async () => { await Promise.all(dirs.splice(0).map(async dir => rm(dir, { recursive: true, force: true }))) })

  it('writes records into a directory removed after its first put, and leaves no temp files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-datastore-'))
    dirs.push(dir)
    const store = new SafeFsDatastore(dir)
    await store.open()
    await store.put(new Key('/pinned-block/a'), Uint8Array.of(1))
    await rm(join(dir, 'pinned-block'), { recursive: true })
    await store.put(new Key('/pinned-block/b'), Uint8Array.of(2))
    expect(await store.has(new Key('/pinned-block/a'))).toBe(false)
    expect([...await store.get(new Key('/pinned-block/b'))]).toEqual([2])
    await Promise.all(Array.from({ length: 20 }, async (_, i) => store.put(new Key('/pinned-block/same'), Uint8Array.of(i))))
    expect((await store.get(new Key('/pinned-block/same'))).byteLength).toBe(1)
    expect((await readdir(join(dir, 'pinned-block'))).filter(name => name.endsWith('.tmp'))).toEqual([])
    await store.close()
  })

  it('reads a missing record as not found, and one it cannot read as a failure (not as "none")', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-datastore-'))
    dirs.push(dir)
    const store = new SafeFsDatastore(dir)
    await store.open()
    await expect(store.get(new Key('/pinned-block/missing'))).rejects.toMatchObject({ name: 'NotFoundError' })
    // a directory where the record's file should be: the read fails with EISDIR
    await mkdir(join(dir, 'pinned-block', 'unreadable.data'), { recursive: true })
    await expect(store.get(new Key('/pinned-block/unreadable'))).rejects.toMatchObject({ name: 'GetFailedError' })
    await store.close()
  })
})
