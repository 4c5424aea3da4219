/**
 * Per-record signatures: a registry with a signer signs every version and alias it writes with an Ed25519 peer key;
 * another registry with the relay's verifier (node-relay/registry/registry-signing.ts) applies them, and ignores a
 * record whose content was changed after signing, an unsigned one, and one signed by another key than the peer id
 * it names. Signatures survive a reopen from the snapshot.
 */
import { MemoryDatastore } from 'datastore-core'
import { describe, expect, it } from 'vitest'
import { Registry } from '../../core/registry/index.ts'
import type { RecordSigner, RecordVerifier, StoredValue } from '../../core/registry/index.ts'
import { registrySigning } from '../../node-relay/registry/registry-signing.ts'

const CID_A = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const CID_B = 'bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su'

/** The relay's signer and verifier for a fresh peer key (made in its own datastore). */
async function relaySigning (): Promise<{ signer: RecordSigner, verifier: RecordVerifier }> {
  return await registrySigning(new MemoryDatastore())
}

describe('registry record signatures', () => {
  it('signs what it writes; a peer applies valid records and ignores tampered, unsigned and forged ones', async () => {
    const a = await relaySigning()
    const b = await relaySigning()
    const writer = await Registry.open({ datastore: new MemoryDatastore(), signer: a.signer, verifier: a.verifier })
    await writer.register({ kind: 'model', name: 'm', cid: CID_A, size: 1, files: 1, by: 'ci', alias: 'production' })
    const changes = writer.all()
    expect(changes.every(c => c.value?.signature?.by === a.signer.id)).toBe(true)

    const reader = await Registry.open({ datastore: new MemoryDatastore(), signer: b.signer, verifier: b.verifier })
    for (const { key, value } of changes) await reader.applyRemote(key, value)
    expect(reader.resolve('model', 'm@production').cid).toBe(CID_A)
    expect(reader.rejected).toBe(0)

    const version = changes.find(c => c.key === 'model/m/v/1')?.value as StoredValue & { type: 'version' }
    const tampered = { ...version, record: { ...version.record, version: 2, cid: CID_B } }
    await reader.applyRemote('model/m/v/2', tampered)
    const unsigned = { type: 'version', record: { ...version.record, version: 3 } }
    await reader.applyRemote('model/m/v/3', unsigned)
    // signed with B's key while naming A as the signer
    const forged = { type: 'version' as const, record: { ...version.record, version: 4 } }
    const forger = await Registry.open({ datastore: new MemoryDatastore(), signer: { id: a.signer.id, sign: b.signer.sign } })
    await forger.register({ kind: 'model', name: 'm', cid: CID_B, size: 1, files: 1, by: 'x' })
    const forgedValue = { ...forged, signature: forger.all()[0]?.value?.signature }
    await reader.applyRemote('model/m/v/4', forgedValue)
    expect([...reader.entry('model', 'm').versions.keys()]).toEqual([1])
    expect(reader.rejected).toBe(3)

    // what the reader applied keeps A's signature, in memory and after a reopen from the snapshot
    expect(reader.get('model/m/v/1')?.signature).toEqual(version.signature)
  })

  it('keeps signatures across a reopen from the snapshot', async () => {
    const a = await relaySigning()
    const datastore = new MemoryDatastore()
    const writer = await Registry.open({ datastore, signer: a.signer, verifier: a.verifier })
    await writer.register({ kind: 'dataset', name: 'd', cid: CID_A, size: 1, files: 1, by: 'ci' })
    await writer.close()
    const reopened = await Registry.open({ datastore })
    expect(reopened.openedFrom).toBe('snapshot')
    expect(reopened.get('dataset/d/v/1')?.signature?.by).toBe(a.signer.id)
  })
})

describe('registry write scope (cluster.registryWriters)', () => {
  it('applies records and alias moves signed by a listed writer, ignores a validly signed one from any other peer, and refuses local writes outside the scope', async () => {
    const writer = await relaySigning()
    const outsider = await relaySigning()
    const reader = await relaySigning()
    const scope = [writer.signer.id, reader.signer.id]
    const byWriter = await Registry.open({ datastore: new MemoryDatastore(), ...writer, writers: scope })
    const byOutsider = await Registry.open({ datastore: new MemoryDatastore(), ...outsider })
    const scoped = await Registry.open({ datastore: new MemoryDatastore(), ...reader, writers: scope })

    await byWriter.register({ kind: 'model', name: 'm', cid: CID_A, size: 1, files: 1, by: 'ci', alias: 'production' })
    for (const { key, value } of byWriter.all()) await scoped.applyRemote(key, value)
    expect(scoped.resolve('model', 'm@production').cid).toBe(CID_A)

    // the outsider's signatures verify, but it is not in the scope: its version and its alias move are ignored
    for (const { key, value } of byWriter.all()) await byOutsider.applyRemote(key, value)
    await byOutsider.register({ kind: 'model', name: 'm', cid: CID_B, size: 1, files: 1, by: 'intruder' })
    await byOutsider.setAlias('model', 'm', 'production', 2, 'intruder')
    for (const key of ['model/m/v/2', 'model/m/a/production']) await scoped.applyRemote(key, byOutsider.get(key))
    expect(scoped.resolve('model', 'm@production').version).toBe(1)
    expect([...scoped.entry('model', 'm').versions.keys()]).toEqual([1])
    expect(scoped.rejected).toBe(2)

    // a relay outside its own cluster's scope may not write: the others would ignore it
    const excluded = await Registry.open({ datastore: new MemoryDatastore(), ...outsider, writers: scope })
    await expect(excluded.register({ kind: 'model', name: 'n', cid: CID_A, size: 1, files: 1, by: 'ci' })).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' })
    await expect(excluded.setAlias('model', 'm', 'staging', 1, 'ci')).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' })
  })
})
