import { Gauge } from 'prom-client'
import type { AuditWatch } from './audit-watch.ts'
import type { Registry } from 'prom-client'

/**
 * The audit log's gauges, from the last periodic verification ({@link AuditWatch}):
 * `ipfs_kit_audit_verify_problems` (0 when the chain and every checkpoint verify), when it last ran and how long
 * it took. Before the first run the timestamp is 0 and no problem is reported.
 */
export function auditMetrics (registry: Registry, watch: AuditWatch): void {
  new Gauge({ name: 'ipfs_kit_audit_verify_problems', help: 'Problems the last audit log verification found (edited, removed, reordered or unreadable lines, bad signatures)', registers: [registry], collect () { this.set(watch.last?.problems ?? 0) } })
  new Gauge({ name: 'ipfs_kit_audit_verify_last_run_timestamp_seconds', help: 'When the audit log was last verified (Unix time; 0 before the first run)', registers: [registry], collect () { this.set((watch.last?.at ?? 0) / 1000) } })
  new Gauge({ name: 'ipfs_kit_audit_verify_duration_seconds', help: 'How long the last audit log verification took', registers: [registry], collect () { this.set((watch.last?.durationMs ?? 0) / 1000) } })
  new Gauge({ name: 'ipfs_kit_audit_entries', help: 'Entries in the audit log at its last verification', registers: [registry], collect () { this.set(watch.last?.entries ?? 0) } })
}
