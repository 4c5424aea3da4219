import { Key } from 'interface-datastore'
import type { AbortOptions } from '../abort.ts'
import type { Datastore } from 'interface-datastore'

/** Where a peer keeps its copy of the cluster state between restarts. */
export interface ClusterStateStore {
  /** The last saved state (a Yjs update), or `undefined` on first start. */
  load: (options?: AbortOptions) => Promise<Uint8Array | undefined>
  /** Replace the saved state. */
  save: (state: Uint8Array, options?: AbortOptions) => Promise<void>
}

/**
 * Keep the cluster state under one key of a datastore: the relay passes its filesystem datastore (in the data
 * dir), the browser node its IndexedDB datastore, tests a memory one.
 *
 * @example
 * ```ts
 * const store = datastoreStateStore(datastore, 'my-cluster')
 * ```
 */
export function datastoreStateStore (datastore: Pick<Datastore, 'get' | 'put'>, cluster: string): ClusterStateStore {
  const key = new Key(`/ipfs-kit/cluster/${encodeURIComponent(cluster)}/state`)
  return {
    load: async (options) => {
      try {
        return await datastore.get(key, options)
      } catch (err) {
        if (err instanceof Error && err.name === 'NotFoundError') return undefined
        throw err
      }
    },
    save: async (state, options) => { await datastore.put(key, state, options) }
  }
}

/** A store that keeps nothing (a peer that resyncs fully on every start). */
export function memoryStateStore (): ClusterStateStore {
  let saved: Uint8Array | undefined
  return {
    load: async () => saved,
    save: async (state) => { saved = state }
  }
}
