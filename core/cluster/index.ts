/**
 * @packageDocumentation
 *
 * The cluster: a replicated pinset with replication factors, a balanced allocator, a per-peer pin tracker that
 * pins for real, self-repair and holding checks. State replicates as a Yjs document over libp2p gossipsub plus a
 * state-vector sync stream; every update is signed by its author's peer key and applied only when the author is a
 * trusted writer (listed, or holding the cluster secret). Runtime-neutral: the relay and the browser node wire it.
 *
 * @example
 * ```ts
 * const cluster = createCluster({ name: 'team', secret, kind: 'relay' })({
 *   peerId: libp2p.peerId, privateKey, libp2p, pubsub: libp2p.services.pubsub,
 *   pinner: service, localBlocks: blockstore, usage: async () => ({ freeSpace })
 * })
 * await cluster.start()
 * await cluster.pin(cid, { replicationMin: 2, replicationMax: 3 })
 * cluster.status(cid) // { peers: { <peer>: { state: 'pinned' }, ... }, health: 'ok' }
 * ```
 */
import { Cluster } from './cluster.ts'
import type { ClusterComponents, ClusterInit } from './cluster.ts'

export { Cluster, CLUSTER_DEFAULTS } from './cluster.ts'
export type { ClusterComponents, ClusterInit } from './cluster.ts'
export { ClusterDisabledError, ClusterReadOnlyError } from './errors.ts'
export { allocate, wantedCopies } from './allocator.ts'
export type { AllocationCandidate, AllocationRequest } from './allocator.ts'
export { datastoreStateStore, memoryStateStore } from './persistence.ts'
export type { ClusterStateStore } from './persistence.ts'
export { CLUSTER_PIN_META } from './pin-tracker.ts'
export type { ClusterPinner } from './pin-tracker.ts'
export type { HoldingResult } from './holding-check.ts'
export { sealEnvelope, openEnvelope, checkEnvelope } from './envelope.ts'
export type { Envelope, WriterPolicy, RejectReason } from './envelope.ts'
export { PIN_STATES } from './types.ts'
export type * from './types.ts'
export type { SharedReference, StateChange } from './replicated-state.ts'

/**
 * The cluster as a libp2p-style factory: `createCluster(init)(components)`.
 */
export function createCluster (init: ClusterInit): (components: ClusterComponents) => Cluster {
  return (components) => new Cluster(components, init)
}
