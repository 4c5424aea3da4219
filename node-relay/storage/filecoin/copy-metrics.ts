/**
 * Prometheus metrics of the `filecoin` backends' copies: how many copies are in each state (read from the copy
 * records when scraped), and counters of state changes, repairs, renewals and budget refusals, counted from the
 * events the backends put on the bus (so `/metrics` and `/ws` never disagree).
 */
import { Counter, Gauge } from 'prom-client'
import type { FilecoinBackend } from './backend.ts'
import type { CopyState } from './copies.ts'
import type { EventBus } from '../../../core/events/bus.ts'
import type { Registry } from 'prom-client'

const STATES: readonly CopyState[] = ['uploading', 'stored', 'added', 'proving', 'proven', 'faulted', 'terminated', 'removed', 'expired', 'corrupt']

/** Register the copy metrics; returns the function that stops counting events. */
export function copyMetrics (registry: Registry, backends: readonly FilecoinBackend[], events: EventBus): () => void {
  new Gauge({
    name: 'ipfs_kit_filecoin_copies',
    help: 'Copies recorded by each filecoin backend, by state',
    labelNames: ['backend', 'state'] as const,
    registers: [registry],
    async collect () {
      this.reset()
      for (const backend of backends) {
        const counts = new Map<string, number>(STATES.map((s) => [s, 0]))
        for (const record of await backend.records.all().catch(() => [])) {
          for (const copy of record.copies) counts.set(copy.state, (counts.get(copy.state) ?? 0) + 1)
        }
        for (const [state, n] of counts) this.set({ backend: backend.name, state }, n)
      }
    }
  })
  const transitions = new Counter({
    name: 'ipfs_kit_filecoin_copy_transitions_total',
    help: 'Copy state changes seen by each filecoin backend, by the state entered',
    labelNames: ['backend', 'state'] as const,
    registers: [registry]
  })
  const repairs = new Counter({
    name: 'ipfs_kit_filecoin_repairs_total',
    help: 'Repairs run (kind repair: copies lost; renewal: terms ending), by outcome (placed, failed)',
    labelNames: ['backend', 'kind', 'outcome'] as const,
    registers: [registry]
  })
  const renewals = new Counter({
    name: 'ipfs_kit_filecoin_renewals_total',
    help: 'Deposit terms found ending soon, by action (deposit: topped up; needs-deposit: nothing spent)',
    labelNames: ['backend', 'action'] as const,
    registers: [registry]
  })
  const refusals = new Counter({
    name: 'ipfs_kit_filecoin_budget_refusals_total',
    help: 'Automatic spending refused by the budget cap, by kind (repair, deposit)',
    labelNames: ['backend', 'kind'] as const,
    registers: [registry]
  })
  return events.subscribe((event) => {
    if (event.type === 'filecoin:copy') transitions.inc({ backend: event.backend, state: event.to })
    else if (event.type === 'filecoin:repair') repairs.inc({ backend: event.backend, kind: event.kind, outcome: event.error === undefined ? 'placed' : 'failed' })
    else if (event.type === 'filecoin:renewal') renewals.inc({ backend: event.backend, action: event.action })
    else if (event.type === 'filecoin:budget') refusals.inc({ backend: event.backend, kind: event.kind })
  })
}
