import { ClusterDisabledError } from '../../core/cluster/index.ts'
import { NotSupportedError } from '../../core/storage/errors.ts'
import { InvalidInputError } from '../../core/errors/index.ts'
import type { Cluster } from '../../core/cluster/index.ts'
import type { StorageBackend, StorageManager } from '../../core/storage/index.ts'
import type { FilecoinBackend } from '../storage/filecoin/backend.ts'
import type { OperationComponents } from './operation.ts'
import type { RelaySearch } from '../search/relay-search.ts'
import type { KeyStore } from '../auth/key-store.ts'
import type { AuditLog } from '../audit/audit-log.ts'
import type { Invitations } from '../auth/invitations.ts'
import type { Registry } from '../../core/registry/index.ts'
import type { FilecoinChainWatch } from '../storage/filecoin/chain-watch.ts'
import type { StatsSampler } from '../stats/sampler.ts'

/** The cluster peer, or `ERR_CLUSTER_DISABLED` (503) when this relay runs without one. */
export function clusterOf (components: OperationComponents): Cluster {
  if (components.cluster === undefined) throw new ClusterDisabledError('this relay runs without a cluster (cluster.enabled is false)')
  return components.cluster
}

/** The storage manager, or `ERR_NOT_SUPPORTED` (501). */
export function storageOf (components: OperationComponents): StorageManager {
  if (components.storage === undefined) throw new NotSupportedError('this node runs without the storage manager')
  return components.storage
}

/** The search index, or `ERR_NOT_SUPPORTED` (501) when search is disabled. */
export function searchOf (components: OperationComponents): RelaySearch {
  if (components.search === undefined) throw new NotSupportedError('search is disabled on this relay (search.enabled is false)')
  return components.search
}

/** The key store, or `ERR_NOT_SUPPORTED` (501) over a bare content store. */
export function keysOf (components: OperationComponents): KeyStore {
  if (components.keys === undefined) throw new NotSupportedError('this node has no API key store')
  return components.keys
}

/** The audit log, or `ERR_NOT_SUPPORTED` (501) when `audit.enabled` is false. */
export function auditOf (components: OperationComponents): { log: AuditLog, dir: string } {
  if (components.audit === undefined) throw new NotSupportedError('the audit log is disabled (audit.enabled is false)')
  return components.audit
}

/** The invitation store, or `ERR_NOT_SUPPORTED` (501) over a bare content store. */
export function invitationsOf (components: OperationComponents): Invitations {
  if (components.invitations === undefined) throw new NotSupportedError('this node issues no cluster invitations')
  return components.invitations
}

/** The model and dataset registry, or `ERR_NOT_SUPPORTED` (501) over a bare content store. */
export function registryOf (components: OperationComponents): Registry {
  if (components.registry === undefined) throw new NotSupportedError('this node keeps no model and dataset registry')
  return components.registry
}

/** The Filecoin chain watch, or `ERR_NOT_SUPPORTED` (501) when no `filecoin.rpcUrl` is configured. */
export function filecoinOf (components: OperationComponents): FilecoinChainWatch {
  if (components.filecoin === undefined) throw new NotSupportedError('Filecoin analytics are off: set filecoin.rpcUrl to a Lotus or Forest JSON-RPC endpoint (docs/FILECOIN.md)')
  return components.filecoin
}

/** The relay's stats sampler, or `ERR_NOT_SUPPORTED` (501) over a bare content store. */
export function statsOf (components: OperationComponents): StatsSampler {
  if (components.stats === undefined) throw new NotSupportedError('this node keeps no sampled history')
  return components.stats
}

function isFilecoinBackend (backend: StorageBackend): backend is FilecoinBackend {
  return backend.kind === 'filecoin' && 'records' in backend && 'synapse' in backend
}

/**
 * The `filecoin` storage backend named (or the first configured): `ERR_NOT_FOUND` for an unknown name,
 * `ERR_INVALID_INPUT` for a backend of another kind, `ERR_NOT_SUPPORTED` (501) when none is configured.
 */
export function filecoinBackendOf (components: OperationComponents, name?: string): FilecoinBackend {
  const storage = storageOf(components)
  if (name !== undefined) {
    const backend = storage.backend(name)
    if (!isFilecoinBackend(backend)) throw new InvalidInputError(`backend "${name}" is a ${backend.kind} backend, not filecoin`)
    return backend
  }
  const first = storage.list().find(isFilecoinBackend)
  if (first === undefined) throw new NotSupportedError('no filecoin storage backend is configured: add { "kind": "filecoin" } to storage.backends (docs/FILECOIN.md)')
  return first
}
