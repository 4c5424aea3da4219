/**
 * @packageDocumentation
 *
 * The relay's storage: backend config (`storage` section), one factory per backend kind, and the storage
 * manager wired over them. Backends that need Node live in sub-folders (`s3/`, `huggingface/`, `storacha/`); the
 * runtime-neutral ones (local, IPFS network, gateways) and the manager live in `core/storage/`.
 *
 * @example
 * ```ts
 * import { startRelayStorage } from './node-relay/storage/index.ts'
 * const storage = await startRelayStorage({ config, node, events })
 * const report = await storage.manager.put(cid, { to: ['s3'] })
 * ```
 */
export { startRelayStorage, type RelayStorage, type RelayStorageComponents } from './relay-storage.ts'
export { backendFactories, createBackend, type BackendFactory, type BackendFactoryContext } from './factories.ts'
export {
  backendEntrySchema, backendNameSchema, gatewayBackendSchema, ipfsBackendSchema, localBackendSchema, s3BackendSchema, storageSchema,
  type BackendEntry, type StorageConfig
} from './config.ts'
