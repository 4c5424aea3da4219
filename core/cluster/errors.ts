import { IpfsKitError } from '../errors/index.ts'

/** This peer follows the cluster read-only (not trusted, no secret): it cannot change the pinset. */
export class ClusterReadOnlyError extends IpfsKitError {
  static readonly code = 'ERR_CLUSTER_READ_ONLY'
  constructor (message: string) {
    super('ERR_CLUSTER_READ_ONLY', message)
    this.name = 'ClusterReadOnlyError'
  }
}

/** The node runs without a cluster (`cluster.enabled: false`). */
export class ClusterDisabledError extends IpfsKitError {
  static readonly code = 'ERR_CLUSTER_DISABLED'
  constructor (message: string) {
    super('ERR_CLUSTER_DISABLED', message)
    this.name = 'ClusterDisabledError'
  }
}
