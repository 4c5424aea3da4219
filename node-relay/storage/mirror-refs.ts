import { CID } from 'multiformats/cid'
import type { Cluster, SharedReference } from '../../core/cluster/index.ts'
import type { ReferenceIndex, StorageReference } from '../../core/storage/index.ts'


const keyOf = (cid: string, backend: string): string => `${CID.parse(cid).toV1().toString()}/${backend}`

function sameRef (a: SharedReference | undefined, b: StorageReference): boolean {
  return a !== undefined && a.locator === b.locator && a.size === b.size && a.state === b.state && a.verifiedAt === b.verifiedAt && a.markedAt === b.markedAt
}

/**
 * Mirror the relay's reference index into the cluster's replicated state and back, so every relay knows where every
 * copy on a shared backend lives (an S3 bucket, Storacha, the Hub) and can serve or repair from it: a copy recorded
 * or removed here is written to the state; one recorded or removed by another relay is applied here without being
 * sent back. Conflicting writes converge as the state does (last writer per `<cid>/<backend>`). Copies on the
 * relay's own backend (`local`) stay per relay. Returns the function that stops mirroring.
 */
export async function mirrorReferences (index: ReferenceIndex, cluster: Cluster, self: string, local: string): Promise<() => void> {
  const { state } = cluster
  // copies on each relay's own disk are nobody else's business (other relays name theirs the same)
  const NOT_SHARED = new Set([local])
  // what the other relays recorded before this one started (or while it was down)
  for (const [, ref] of state.refs()) {
    if (NOT_SHARED.has(ref.backend)) continue
    const { by: _by, ...local } = ref
    const mine = await index.find(CID.parse(ref.cid), ref.backend)
    if (mine === undefined || !sameRef(ref, mine)) await index.set(local, { silent: true })
  }
  // what this relay recorded that the state lacks
  for await (const ref of index.all()) {
    if (NOT_SHARED.has(ref.backend)) continue
    const key = keyOf(ref.cid, ref.backend)
    if (!sameRef(state.ref(key), ref)) state.setRef(key, { ...ref, by: self })
  }
  const offLocal = index.onChange(change => {
    if (change.type === 'set') {
      if (NOT_SHARED.has(change.reference.backend)) return
      state.setRef(keyOf(change.reference.cid, change.reference.backend), { ...change.reference, by: self })
    } else if (!NOT_SHARED.has(change.backend)) {
      state.deleteRef(keyOf(change.cid, change.backend))
    }
  })
  let applying = Promise.resolve()
  const offRemote = state.onChange(change => {
    if (!change.remote || change.refs.size === 0) return
    for (const key of change.refs) {
      const ref = state.ref(key)
      const slash = key.lastIndexOf('/')
      const cid = key.slice(0, slash)
      const backend = key.slice(slash + 1)
      applying = applying.then(async () => {
        if (ref === undefined) await index.delete(CID.parse(cid), backend, { silent: true })
        else {
          const { by: _by, ...local } = ref
          await index.set(local, { silent: true })
        }
      }).catch(() => { /* the next change or a restart's initial pass converges it */ })
    }
  })
  return () => {
    offLocal()
    offRemote()
  }
}
