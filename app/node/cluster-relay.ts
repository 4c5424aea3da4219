import { joinCluster } from './cluster-join.ts'
import { ClusterDisabledError } from '../../core/cluster/index.ts'
import type { BrowserClusterInit } from './cluster-join.ts'
import type { BrowserNode } from './create-browser-node.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { Cluster } from '../../core/cluster/index.ts'

/** Options for {@link joinRelayCluster}. */
export interface RelayClusterJoin extends AbortOptions, Omit<BrowserClusterInit, 'name' | 'secret'> {
  /** Base URL of the relay's HTTP API (its `GET /api/v1/cluster` names the cluster). */
  relayUrl: string
  /** The cluster's shared secret (what lets this tab write the pinset). */
  secret: string
}

const nameKey = (relayUrl: string): string => `ipfs-kit:cluster-name:${relayUrl}`

/**
 * The name of the cluster the relay belongs to, from its `GET /api/v1/cluster`. The answer is remembered in
 * localStorage, so a tab that met the relay before still finds its cluster while the relay is unreachable.
 * `ERR_CLUSTER_DISABLED` when the relay answers without a cluster and none is remembered.
 */
export async function relayClusterName (relayUrl: string, options?: AbortOptions): Promise<string> {
  const url = `${relayUrl.replace(/\/+$/, '')}/api/v1/cluster`
  try {
    const res = await fetch(url, { signal: options?.signal })
    const body = await res.json() as { name?: unknown, code?: unknown }
    if (!res.ok || typeof body.name !== 'string') throw new ClusterDisabledError(`the relay at ${relayUrl} runs no cluster (HTTP ${res.status}${typeof body.code === 'string' ? ` ${body.code}` : ''})`)
    localStorage.setItem(nameKey(relayUrl), body.name)
    return body.name
  } catch (err) {
    const cached = localStorage.getItem(nameKey(relayUrl))
    if (cached === null) throw err
    return cached
  }
}

/**
 * Join the cluster of the relay this tab uses, as a writer (with the cluster's secret): the tab then publishes
 * its metrics, takes allocations, pins what is allocated to it and answers holding checks.
 *
 * @example
 * ```ts
 * const cluster = await joinRelayCluster(node, { relayUrl: 'https://relay.example', secret })
 * cluster.peers()
 * ```
 */
export async function joinRelayCluster (node: Pick<BrowserNode, 'helia' | 'libp2p' | 'service' | 'events'>, init: RelayClusterJoin): Promise<Cluster> {
  const { relayUrl, signal, ...settings } = init
  const name = await relayClusterName(relayUrl, { signal })
  signal?.throwIfAborted()
  return joinCluster(node, { ...settings, name })
}
