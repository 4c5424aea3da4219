import { Registry } from '../../core/registry/index.ts'
import type { Cluster } from '../../core/cluster/index.ts'

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/**
 * Mirror the model and dataset registry into the cluster's replicated state and back, so every relay sees the same
 * registry: a version or alias written here goes into the state's `registry` map; one written by another relay is
 * validated and applied here (persisted, not sent back). Concurrent writes to one key converge as the state does
 * (last writer wins per key). Returns the function that stops mirroring.
 */
export async function mirrorRegistry (registry: Registry, cluster: Cluster): Promise<() => void> {
  const { state } = cluster
  // what other relays registered before this one started (or while it was down)
  for (const [key, value] of state.registryEntries()) {
    if (!same(registry.get(key), Registry.decode(value))) await registry.applyRemote(key, value)
  }
  // what this relay registered that the state lacks
  state.transact(() => {
    for (const { key, value } of registry.all()) {
      if (!same(Registry.decode(state.registryEntry(key)), value)) state.setRegistryEntry(key, value)
    }
  })
  const offLocal = registry.onLocalChange(({ key, value }) => {
    if (value === undefined) state.deleteRegistryEntry(key)
    else state.setRegistryEntry(key, value)
  })
  let applying = Promise.resolve()
  const offRemote = state.onChange(change => {
    if (!change.remote || change.registry.size === 0) return
    for (const key of change.registry) {
      // read when applied, not when announced: applying an earlier key can write this one (a displaced version's
      // aliases follow it), and the state then holds that newer value
      applying = applying.then(async () => { await registry.applyRemote(key, state.registryEntry(key)) })
        .catch(() => { /* the next change or a restart's initial pass converges it */ })
    }
  })
  return () => {
    offLocal()
    offRemote()
  }
}
