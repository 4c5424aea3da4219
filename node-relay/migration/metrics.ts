import { Counter, Gauge } from 'prom-client'
import type { MigrationController } from '../../core/migration/index.ts'
import type { Registry } from 'prom-client'

/**
 * The migration controller's Prometheus metrics: jobs by state (read when scraped), bytes copied and verified, and
 * copies that failed verification (counters, from the controller's totals since start).
 */
export function migrationMetrics (registry: Registry, controller: MigrationController): void {
  new Gauge({
    name: 'ipfs_kit_migration_jobs',
    help: 'Migration jobs by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect () {
      for (const [state, n] of Object.entries(controller.counts())) this.set({ state }, n)
    }
  })
  new Counter({
    name: 'ipfs_kit_migration_copied_bytes_total',
    help: 'Bytes copied to migration targets and verified by reading them back',
    registers: [registry],
    collect () { this.reset(); this.inc(controller.totals.bytesCopied) }
  })
  new Counter({
    name: 'ipfs_kit_migration_verify_failures_total',
    help: 'Copies that failed verification when read back through their target',
    registers: [registry],
    collect () { this.reset(); this.inc(controller.totals.verifyFailures) }
  })
}
