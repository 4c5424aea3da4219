import { Gauge } from 'prom-client'
import type { FilecoinChainWatch } from './chain-watch.ts'
import type { Registry } from 'prom-client'

/**
 * The Filecoin chain as Prometheus sees it, read when scraped through the watch's TTL cache: the head height, and
 * each watched provider's faulty sectors and share of network power. A node that does not answer leaves the gauges
 * empty for that scrape (the scrape itself never fails).
 */
export function filecoinMetrics (registry: Registry, watch: FilecoinChainWatch): void {
  let pending: ReturnType<FilecoinChainWatch['status']> | undefined
  // one read of the chain per scrape, shared by the gauges
  const read = async (): Promise<Awaited<ReturnType<FilecoinChainWatch['status']>> | undefined> => {
    pending ??= watch.status().finally(() => { setTimeout(() => { pending = undefined }, 100).unref() })
    return await pending.catch(() => undefined)
  }
  new Gauge({
    name: 'ipfs_kit_filecoin_chain_height',
    help: 'Height of the Filecoin chain head seen by the configured node (filecoin.rpcUrl)',
    registers: [registry],
    async collect () {
      const status = await read()
      this.reset()
      if (status !== undefined) this.set(status.chain.height)
    }
  })
  new Gauge({
    name: 'ipfs_kit_filecoin_provider_faulty_sectors',
    help: 'Faulty sectors of each watched storage provider (filecoin.providers)',
    labelNames: ['provider'] as const,
    registers: [registry],
    async collect () {
      const status = await read()
      this.reset()
      for (const p of status?.providers ?? []) if (!('error' in p)) this.set({ provider: p.miner }, p.faultySectors)
    }
  })
  new Gauge({
    name: 'ipfs_kit_filecoin_provider_power_ratio',
    help: 'Each watched storage provider\'s share of the network\'s quality-adjusted power (0-1)',
    labelNames: ['provider'] as const,
    registers: [registry],
    async collect () {
      const status = await read()
      this.reset()
      for (const p of status?.providers ?? []) if (!('error' in p)) this.set({ provider: p.miner }, p.powerShare)
    }
  })
}
