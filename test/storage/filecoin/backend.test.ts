import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Piece from '@filoz/synapse-core/piece'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createContentStore } from '../../../core/content/index.ts'
import { dagToCar } from '../../../core/storage/index.ts'
import { createFilecoinBackend } from '../../../node-relay/storage/filecoin/index.ts'
import { collect, pseudoRandomBytes, rejection } from '../../support/fixtures.ts'
import { mockSynapse } from '../../support/synapse-client.ts'
import { startSynapseProviders } from '../../support/synapse-providers.ts'
import type { RootRecord } from '../../../node-relay/storage/filecoin/index.ts'
import type { SynapseProviders } from '../../support/synapse-providers.ts'
import type { CID } from 'multiformats/cid'

let providers: SynapseProviders
let dir: string
let seed = 100

beforeAll(() => { providers = startSynapseProviders() })
afterAll(() => { providers.stop() })
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'fil-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

async function content (length = 600_000): Promise<{ root: CID, source: MemoryBlockstore, bytes: Uint8Array }> {
  const source = new MemoryBlockstore()
  const bytes = pseudoRandomBytes(length, ++seed)
  const { cid } = await createContentStore({ blockstore: source }).add(bytes, { chunker: { type: 'fixed', size: 256 * 1024 } })
  return { root: cid, source, bytes }
}

describe('filecoin backend on the Synapse SDK mocks', () => {
  it('puts to two providers and records two copies whose piece CID is the one computed locally', async () => {
    const path = join(dir, 'copies.json')
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 2, recordsPath: path })
    const { root, source } = await content()
    const put = await backend.put(root, source)
    const expected = Piece.calculate(await collect(dagToCar(source, root))).toString()

    const record = await backend.records.get(root.toString())
    expect(record?.pieceCid).toBe(expected)
    expect(record?.copies.map((c) => c.providerId).sort()).toEqual(['1', '2'])
    expect(new Set(record?.copies.map((c) => c.dataSetId)).size).toBe(2)
    expect(record?.copies.every((c) => c.state === 'added' && c.retrievalUrl.endsWith(`/piece/${expected}`))).toBe(true)
    expect(put.locator).toBe(`filecoin://${expected}?providers=1,2`)

    // persisted: a new backend on the same file knows the copies
    const saved = JSON.parse(await readFile(path, 'utf8')) as RootRecord[]
    expect(saved[0]?.pieceCid).toBe(expected)
    const reopened = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), recordsPath: path })
    expect(await reopened.has(root)).toBe(true)
  })

  it('catches a provider returning wrong bytes, marks that copy, and serves the read from the other copy', async () => {
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 2 })
    const { root, source, bytes } = await content()
    await backend.put(root, source)
    const record = await backend.records.get(root.toString())
    if (record === undefined) throw new Error('no record')
    providers.corrupt(record.pieceCid, 1)

    const blocks = []
    for await (const block of backend.get(root)) blocks.push(block)
    const leaves = blocks.filter((b) => b.cid.code === 0x55).reduce((n, b) => n + b.bytes.byteLength, 0)
    expect(leaves).toBe(bytes.byteLength)

    const after = await backend.records.get(root.toString())
    const states = after?.copies.map((c) => c.state).sort()
    expect(states).toEqual(['added', 'corrupt'])
    expect(after?.copies.find((c) => c.state === 'corrupt')?.reason).toMatch(/do not match its CID/)
  })

  it('fails a put the provider refuses at finalize (piece CID disagreement) and records nothing', async () => {
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 1 })
    const { root, source } = await content()
    providers.refuseNextFinalize()
    const err = await rejection(backend.put(root, source))
    expect(err.code).toBe('ERR_BACKEND_UNAVAILABLE')
    expect(err.message).toMatch(/piece CID mismatch|400/)
    expect(await backend.has(root)).toBe(false)
    expect(await backend.records.all()).toEqual([])
  })

  it('fails the read with ERR_BLOCK_CORRUPT when every copy serves wrong bytes', async () => {
    const backend = createFilecoinBackend({ name: 'fil', synapse: mockSynapse(), copies: 2 })
    const { root, source } = await content()
    await backend.put(root, source)
    const record = await backend.records.get(root.toString())
    if (record === undefined) throw new Error('no record')
    providers.corrupt(record.pieceCid)
    const read = (async () => { for await (const block of backend.get(root)) expect(block).toBeDefined() })()
    expect((await rejection(read)).code).toBe('ERR_BLOCK_CORRUPT')
    expect((await backend.records.get(root.toString()))?.copies.every((c) => c.state === 'corrupt')).toBe(true)
  })
})
