import { Counter, Gauge, Registry } from 'prom-client'
import { StatsSampler } from '../../node-relay/stats/sampler.ts'

describe('StatsSampler', () => {
  it('reads only the metrics a sample shows, never the collect hooks of other gauges (Filecoin RPC, probes)', async () => {
    const registry = new Registry()
    const searchDocuments = new Gauge({ name: 'ipfs_kit_search_documents', help: 'docs', registers: [registry] })
    searchDocuments.set(7)
    const bytesIn = new Counter({ name: 'ipfs_kit_http_request_bytes_total', help: 'in', labelNames: ['route'] as const, registers: [registry] })
    let expensiveCollects = 0
    new Gauge({ name: 'ipfs_kit_filecoin_chain_height', help: 'height', registers: [registry], collect () { expensiveCollects++; this.set(1) } })
    const sampler = new StatsSampler({ registry, intervalMs: 60_000 })
    await sampler.sample()
    bytesIn.inc({ route: '/api/v1/add' }, 5_000)
    await sampler.sample()
    const [first, second] = sampler.samples()
    expect(first?.searchDocuments).toBe(7)
    expect(second?.bytesInPerSecond).toBeGreaterThan(0)
    expect(expensiveCollects).toBe(0)
    expect(await registry.getMetricsAsJSON()).toHaveLength(3)
    expect(expensiveCollects).toBe(1)
  })
})
