/**
 * The catalog behind "not read for N days": reads are remembered in memory and written in one batch; an added date
 * is kept from the first pin; name and tags stay after the local pin goes; a flush survives a new catalog instance.
 */
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { describe, expect, it } from 'vitest'
import { ContentCatalog } from '../../core/migration/index.ts'

const CID_V0 = 'QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR'
const CID_V1 = CID.parse(CID_V0).toV1().toString()

describe('content catalog', () => {
  it('notes reads cheaply, writes them in a batch, keeps the first added date, and reads any CID form', async () => {
    const datastore = new MemoryDatastore()
    const catalog = new ContentCatalog({ datastore })
    catalog.noteAdded(CID_V0, { name: 'weights.bin', tags: ['model'] }, new Date('2026-01-01T00:00:00Z'))
    catalog.noteRead(`/ipfs/${CID_V1}/config.json`, new Date('2026-02-01T00:00:00Z'))
    catalog.noteRead('not a cid') // ignored
    // pending, not yet written
    expect(await Array.fromAsync(datastore.queryKeys({}))).toEqual([])
    expect(await catalog.get(CID_V1)).toEqual({ addedAt: '2026-01-01T00:00:00.000Z', lastReadAt: '2026-02-01T00:00:00.000Z', name: 'weights.bin', tags: ['model'] })
    await catalog.flush()
    expect(await Array.fromAsync(datastore.queryKeys({}))).toHaveLength(1)

    const later = new ContentCatalog({ datastore })
    later.noteAdded(CID_V1, { name: 'renamed.bin' }, new Date('2026-03-01T00:00:00Z')) // pinned again: the date stays
    later.noteRead(CID_V0, new Date('2026-01-15T00:00:00Z')) // older than the stored read: ignored
    await later.stop()
    expect(await new ContentCatalog({ datastore }).get(CID_V0)).toEqual({ addedAt: '2026-01-01T00:00:00.000Z', lastReadAt: '2026-02-01T00:00:00.000Z', name: 'renamed.bin', tags: ['model'] })
  })
})
