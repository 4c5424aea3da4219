import { defineError } from '../errors/index.ts'

/** This peer follows the cluster read-only (not trusted, no secret): it cannot change the pinset. */
export const ClusterReadOnlyError = defineError('ERR_CLUSTER_READ_ONLY', 'ClusterReadOnlyError')
/** An instance of {@link ClusterReadOnlyError}. */
export type ClusterReadOnlyError = InstanceType<typeof ClusterReadOnlyError>

/** The node runs without a cluster (`cluster.enabled: false`). */
export const ClusterDisabledError = defineError('ERR_CLUSTER_DISABLED', 'ClusterDisabledError')
/** An instance of {@link ClusterDisabledError}. */
export type ClusterDisabledError = InstanceType<typeof ClusterDisabledError>
