/**
 * @packageDocumentation
 *
 * Storage backends and the storage manager. {@link StorageBackend} is the one interface every place content can
 * live implements (local blockstores, the IPFS network, S3, Hugging Face, Storacha, trustless gateways); every
 * backend passes the shared suite in `test/compliance/storage-backend-suite.ts`. The helpers here read and write
 * DAGs so that every byte a backend returns is verified against its CID.
 *
 * @example
 * ```ts
 * import { createLocalBackend } from './core/storage/index.ts'
 * const local = createLocalBackend({ name: 'local', blockstore })
 * await local.put(root, sourceBlockstore)
 * for await (const { cid, bytes } of local.get(root)) { ... } // every block verified
 * ```
 */
export type {
  BackendCapabilities, BackendKind, BackendLayout, BackendStatus, CostProfile, DagSource, EndpointStatus, PutResult,
  StorageBackend, StoredObject, VerifiedBlock
} from './backend.ts'
export { BackendUnavailableError, NotSupportedError } from './errors.ts'
export {
  MAX_BACKEND_BLOCK_SIZE, blocksToCar, carToVerifiedBlocks, dagByteSize, dagToCar, readVerifiedDag, verifyingReader
} from './dag.ts'
export { probeStatus, requireCapability } from './capabilities.ts'
export {
  createBlockstoreBackend, createLocalBackend, translateBlockstoreError, type BlockstoreBackendInit, type LocalBackendInit
} from './blockstore-backend.ts'
export { GatewayBackend, createGatewayBackend, type GatewayBackendInit, type GatewayFailure } from './gateway-backend.ts'
export { GatewayEndpoints } from './gateway-endpoints.ts'
export { createIpfsBackend, type IpfsBackendInit } from './ipfs-backend.ts'
export { ReferenceIndex, verifiedReference, type ReferenceChange, type ReferenceState, type StorageReference } from './reference-index.ts'
export { LOCAL_ONLY, choosePlacement, type PlacementPolicy, type PlacementRule } from './placement.ts'
export {
  StorageManager, type BackendReport, type Placement, type PlacementReport, type StorageGetOptions, type StorageManagerComponents,
  type StoragePutOptions
} from './manager.ts'
export { pickReadError } from './read-errors.ts'
