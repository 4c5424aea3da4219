import { Gauge } from 'prom-client'
import { PIN_STATES } from '../../core/cluster/index.ts'
import type { Cluster } from '../../core/cluster/index.ts'
import type { Registry } from 'prom-client'

/**
 * The cluster's Prometheus gauges, read from the cluster when scraped: peers (live or not), pins, this peer's pin
 * states, and pins below `replicationMin`. Rejected writes are counted by `ipfs_kit_events_total{type="cluster:rejected"}`.
 */
export function clusterMetrics (registry: Registry, cluster: Cluster): void {
  new Gauge({
    name: 'ipfs_kit_cluster_peers',
    help: 'Cluster peers that published metrics, by liveness',
    labelNames: ['live'] as const,
    registers: [registry],
    collect () {
      const peers = cluster.peers()
      this.set({ live: 'true' }, peers.filter(p => p.live).length)
      this.set({ live: 'false' }, peers.filter(p => !p.live).length)
    }
  })
  new Gauge({ name: 'ipfs_kit_cluster_pins', help: 'Pins in the cluster pinset', registers: [registry], collect () { this.set(cluster.state.pinCount) } })
  new Gauge({
    name: 'ipfs_kit_cluster_local_pin_states',
    help: 'Cluster pins tracked by this peer, by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect () {
      const counts = new Map<string, number>(PIN_STATES.map(s => [s, 0]))
      for (const status of cluster.tracker.states().values()) counts.set(status.state, (counts.get(status.state) ?? 0) + 1)
      for (const [state, n] of counts) this.set({ state }, n)
    }
  })
  new Gauge({
    name: 'ipfs_kit_cluster_unhealthy_pins',
    help: 'Pins whose health is not ok (under-replicated, pending or in error)',
    registers: [registry],
    collect () { this.set(cluster.statusAll().filter(s => s.health !== 'ok').length) }
  })
}
