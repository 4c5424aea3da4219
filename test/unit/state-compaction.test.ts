import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { ReplicatedState } from '../../core/cluster/replicated-state.ts'
import type { ClusterPin } from '../../core/cluster/types.ts'

function pin (i: number, name = `pin ${i}`): ClusterPin {
  return { cid: `bafkrei${i.toString(32).padStart(52, 'a')}`, name, replicationMin: 1, replicationMax: 2, allocations: ['peer-a'], tags: [], metadata: {}, addedAt: 1_700_000_000_000 + i, addedBy: 'peer-a' }
}

/** Two peers of one generation: `b` receives everything `a` writes and the other way round, until `cut()`. */
function pair (): { a: ReplicatedState, b: ReplicatedState, cut: () => void, toA: Uint8Array[], toB: Uint8Array[] } {
  const a = new ReplicatedState()
  const b = new ReplicatedState()
  const toA: Uint8Array[] = []
  const toB: Uint8Array[] = []
  let linked = true
  a.onLocalUpdate(u => { if (linked) b.applyRemote(u); else toB.push(u) })
  b.onLocalUpdate(u => { if (linked) a.applyRemote(u); else toA.push(u) })
  return { a, b, cut: () => { linked = false }, toA, toB }
}

/** What a peer of the new generation sends one of the old: its whole document. */
function received (state: ReplicatedState): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state.encode())
  return doc
}

const names = (state: ReplicatedState): string[] => state.pins().map(p => `${p.cid}=${p.name}`).sort()

describe('state compaction', () => {
  it('keeps the live entries and drops the history: 2,000 pins added and 1,800 removed encode like the 200 left', () => {
    const churned = new ReplicatedState()
    for (let i = 0; i < 2000; i++) churned.setPin(pin(i))
    for (let i = 0; i < 1800; i++) churned.deletePin(pin(i).cid)
    const fresh = new ReplicatedState()
    for (let i = 1800; i < 2000; i++) fresh.setPin(pin(i))
    expect(churned.history()).toEqual({ tombstones: 1800, live: 200 })
    expect(churned.encode().byteLength).toBeGreaterThan(2 * fresh.encode().byteLength)

    const epoch = churned.compact('peer-a')
    expect(epoch).toMatchObject({ n: 1, by: 'peer-a', parent: { n: 0, by: '' } })
    expect(churned.history()).toEqual({ tombstones: 0, live: 200 })
    expect(churned.encode().byteLength).toBeLessThanOrEqual(1.05 * fresh.encode().byteLength)
    expect(names(churned)).toEqual(names(fresh))
  })

  it('a peer of the old generation moves in and writes again what it changed after the compaction\'s snapshot', () => {
    const { a, b, cut, toA } = pair()
    for (let i = 0; i < 10; i++) a.setPin(pin(i))
    b.deletePin(pin(0).cid)
    expect(b.pinCount).toBe(9)
    cut()
    // a compacts; b, not hearing of it, adds one pin, removes one that the compaction kept, renames another
    a.compact('peer-a')
    b.setPin(pin(100))
    b.deletePin(pin(1).cid)
    b.setPin(pin(2, 'renamed by b'))
    const rebase = b.adopt(a.epoch, received(a), true)
    expect(rebase).toEqual({ set: 2, removed: 1, fallback: false })
    expect(b.epoch.n).toBe(1)
    expect(b.pin(pin(100).cid)).toBeDefined()
    expect(b.pin(pin(1).cid)).toBeUndefined()
    expect(b.pin(pin(2).cid)?.name).toBe('renamed by b')
    expect(b.pin(pin(0).cid)).toBeUndefined()
    // what b wrote again reaches a as ordinary updates of the new generation
    const rebased = toA.slice(-1)
    expect(rebased.length).toBe(1)
    for (const u of rebased) a.applyRemote(u)
    expect(names(a)).toEqual(names(b))
  })

  it('keeps a value written in the new generation over the old one a late peer carries', () => {
    const { a, b, cut } = pair()
    for (let i = 0; i < 5; i++) a.setPin(pin(i))
    cut()
    b.setPin(pin(3, 'old generation'))
    a.compact('peer-a')
    a.setPin(pin(3, 'new generation'))
    b.adopt(a.epoch, received(a), true)
    expect(b.pin(pin(3).cid)?.name).toBe('new generation')
  })

  it('from an unrelated generation, carries live entries over but not removals (a removed pin may return; none is lost)', () => {
    const a = new ReplicatedState()
    for (let i = 0; i < 5; i++) a.setPin(pin(i))
    a.compact('peer-a')
    a.compact('peer-a')
    const stale = new ReplicatedState()
    stale.setPin(pin(0))
    stale.setPin(pin(50))
    const rebase = stale.adopt(a.epoch, received(a), true)
    expect(rebase).toMatchObject({ set: 1, fallback: true })
    expect(stale.pinCount).toBe(6)
  })

  it('a reader (not a writer) moves in without writing anything', () => {
    const { a, b, cut, toA } = pair()
    a.setPin(pin(1))
    cut()
    b.setPin(pin(2))
    a.compact('peer-a')
    expect(b.adopt(a.epoch, received(a), false)).toBeUndefined()
    expect(b.pin(pin(2).cid)).toBeUndefined()
    expect(toA.length).toBe(1)
  })

  it('tells its listeners that everything may have changed, and keeps them across the move', () => {
    const state = new ReplicatedState()
    state.setPin(pin(1))
    state.setPeer({ peerId: 'peer-b', kind: 'relay', freeSpace: 1, pinnedBytes: 0, tags: [], lastSeen: 1, addrs: [] })
    const changes: boolean[] = []
    const updates: Uint8Array[] = []
    const peersHeard: string[][] = []
    state.onChange(c => { changes.push(c.pins); peersHeard.push([...c.peers]) })
    state.onLocalUpdate(u => updates.push(u))
    state.compact('peer-a')
    expect(changes).toEqual([true])
    // moving a peer's metrics is not hearing from it (a silent peer must not look live after a compaction)
    expect(peersHeard).toEqual([[]])
    expect(state.peer('peer-b')?.kind).toBe('relay')
    state.setPin(pin(2))
    expect(changes).toEqual([true, true])
    expect(updates.length).toBe(1)
  })

  it('saves its generation with its document, and still loads a state saved before generations existed', () => {
    const state = new ReplicatedState()
    for (let i = 0; i < 20; i++) state.setPin(pin(i))
    const legacy = state.encode()
    for (let i = 0; i < 10; i++) state.deletePin(pin(i).cid)
    state.compact('peer-a')
    const restored = new ReplicatedState()
    restored.restore(state.encodeForDisk())
    expect(restored.epoch).toMatchObject({ n: 1, by: 'peer-a' })
    expect(restored.epoch.base).toEqual(state.epoch.base)
    expect(names(restored)).toEqual(names(state))

    const old = new ReplicatedState()
    old.restore(legacy)
    expect(old.epoch.n).toBe(0)
    expect(old.pinCount).toBe(20)
  })
})
