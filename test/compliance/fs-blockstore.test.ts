import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { interfaceBlockstoreTests } from 'interface-blockstore-tests'
import { TieredBlockstore, VerifiedBlockstore } from '../../core/blocks/index.ts'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'
import type { Blockstore } from 'interface-blockstore'

const dirs = new Map<Blockstore, string>()

async function fsStore (): Promise<FsBlockstore> {
  const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-fs-'))
  const store = new FsBlockstore({ path: dir })
  await store.open()
  dirs.set(store, dir)
  return store
}

async function remove (store: Blockstore): Promise<void> {
  const inner = store instanceof VerifiedBlockstore ? store.inner : store instanceof TieredBlockstore ? store.backing : store
  const dir = dirs.get(inner)
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
}

describe('FsBlockstore: interface-blockstore compliance', () => {
  interfaceBlockstoreTests({ setup: fsStore, teardown: remove })
})

describe('VerifiedBlockstore over FsBlockstore: interface-blockstore compliance', () => {
  interfaceBlockstoreTests({ setup: async () => new VerifiedBlockstore(await fsStore()), teardown: remove })
})

describe('TieredBlockstore over FsBlockstore: interface-blockstore compliance', () => {
  interfaceBlockstoreTests({ setup: async () => new TieredBlockstore(await fsStore(), { cacheBytes: 1024 }), teardown: remove })
})
