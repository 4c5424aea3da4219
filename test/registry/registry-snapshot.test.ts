/**
 * The registry's compact snapshot on the relay's own datastore (SafeFsDatastore on disk): a closed registry reopens
 * from one value with the same records; changes made after the last snapshot (no close: a crash) are never lost,
 * because the marker makes the next open read every key; a damaged snapshot falls back to the keys too.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Key } from 'interface-datastore'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Registry } from '../../core/registry/index.ts'
import { SafeFsDatastore } from '../../node-relay/node/safe-fs-datastore.ts'

const CIDS = ['bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', 'bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su', 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq']

let dir: string
let datastore: SafeFsDatastore

const state = (registry: Registry): unknown => registry.all().sort((a, b) => a.key.localeCompare(b.key))

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-registry-snapshot-'))
  datastore = new SafeFsDatastore(dir)
  await datastore.open()
})

afterEach(async () => {
  await datastore.close()
  await rm(dir, { recursive: true, force: true })
})

async function filled (): Promise<Registry> {
  const registry = await Registry.open({ datastore, snapshotDelayMs: 60_000 })
  await registry.register({ kind: 'model', name: 'm', cid: CIDS[0] ?? '', size: 1, files: 1, by: 't', alias: 'production' })
  await registry.register({ kind: 'model', name: 'm', cid: CIDS[1] ?? '', size: 1, files: 1, by: 't' })
  await registry.register({ kind: 'dataset', name: 'd', cid: CIDS[2] ?? '', size: 1, files: 1, by: 't' })
  await registry.setAlias('model', 'm', 'production', 2, 't')
  return registry
}

describe('registry snapshot', () => {
  it('reopens a closed registry from its snapshot, with the same records and alias history', async () => {
    const registry = await filled()
    await registry.close()
    expect(await datastore.has(new Key('/ipfs-kit/registry-dirty'))).toBe(false)
    const reopened = await Registry.open({ datastore })
    expect(reopened.openedFrom).toBe('snapshot')
    expect(state(reopened)).toEqual(state(registry))
    expect(reopened.resolve('model', 'm@production').version).toBe(2)
    expect(reopened.entry('model', 'm').aliases.get('production')?.history.map(h => h.version)).toEqual([1, 2])
    const keyByKey = await Registry.open({ datastore, snapshot: false })
    expect(keyByKey.openedFrom).toBe('scan')
    expect(state(keyByKey)).toEqual(state(registry))
  })

  it('loses nothing written after the last snapshot: the marker makes the next open read every key', async () => {
    const registry = await filled()
    await registry.close()
    // changes after the snapshot, then no close (the process dies before its snapshot timer)
    await registry.removeVersion('dataset', 'd@1')
    await registry.register({ kind: 'model', name: 'late', cid: CIDS[2] ?? '', size: 1, files: 1, by: 't' })
    const reopened = await Registry.open({ datastore, snapshotDelayMs: 60_000 })
    expect(reopened.openedFrom).toBe('scan')
    expect(reopened.resolve('model', 'late').version).toBe(1)
    expect(() => reopened.resolve('dataset', 'd')).toThrow(expect.objectContaining({ code: 'ERR_NOT_FOUND' }))
    expect(state(reopened)).toEqual(state(registry))
    // the scan wrote a new snapshot at close: the open after it is from the snapshot again
    await reopened.close()
    expect((await Registry.open({ datastore })).openedFrom).toBe('snapshot')
  })

  it('reads the keys when the snapshot is damaged', async () => {
    const registry = await filled()
    await registry.close()
    // one byte of the values changed: the digest in the header no longer matches
    const bytes = await datastore.get(new Key('/ipfs-kit/registry-snapshot'))
    const at = bytes.lastIndexOf(0x22) // a closing quote
    bytes[at - 1] = (bytes[at - 1] ?? 0) ^ 1
    await datastore.put(new Key('/ipfs-kit/registry-snapshot'), bytes)
    const reopened = await Registry.open({ datastore })
    expect(reopened.openedFrom).toBe('scan')
    expect(state(reopened)).toEqual(state(registry))
  })

  it('writes the snapshot by itself a moment after changes', async () => {
    const registry = await Registry.open({ datastore, snapshotDelayMs: 10 })
    await registry.register({ kind: 'model', name: 'm', cid: CIDS[0] ?? '', size: 1, files: 1, by: 't' })
    await expect.poll(async () => datastore.has(new Key('/ipfs-kit/registry-dirty'))).toBe(false)
    expect((await Registry.open({ datastore })).openedFrom).toBe('snapshot')
  })
})
