/**
 * @packageDocumentation
 *
 * Storacha storage backend: each DAG is one upload in a Storacha space, written with `@storacha/client`
 * (`uploadCAR`: CAR shards as blobs, a sharded DAG index, the upload registered under its root) to a configurable
 * upload service, and read back through IPFS trustless gateways with every block verified against its CID.
 * Storacha's public service (up.storacha.network) stopped accepting writes in May 2026
 * (storacha/upload-service#709): point `serviceUrl`/`serviceDid` at a service that still does; reads keep working
 * through gateways. Storacha's UCAN stack uses multiformats 13: CIDs cross that boundary only as strings.
 *
 * @example
 * ```ts
 * import { createStorachaBackend } from './node-relay/storage/storacha/index.ts'
 * const storacha = createStorachaBackend({
 *   name: 'storacha', agentKey: process.env.STORACHA_KEY ?? '', proof: process.env.STORACHA_PROOF ?? '',
 *   serviceUrl: 'https://upload.example.org', serviceDid: 'did:web:upload.example.org', gateways: ['https://storacha.link']
 * })
 * await storacha.put(root, blockstore)
 * for await (const { cid, bytes } of storacha.get(root)) { ... } // every block verified
 * ```
 */
export { StorachaBackend, createStorachaBackend, type StorachaBackendInit } from './backend.ts'
export { connectStoracha, type StorachaConnection, type StorachaConnectionInit } from './connect.ts'
export { DEFAULT_GATEWAY, DEFAULT_SERVICE_DID, DEFAULT_SERVICE_URL } from './defaults.ts'
export { translateStorachaError } from './errors.ts'
export { storachaBackendSchema, storachaInitFromConfig, type StorachaBackendConfig } from './config.ts'
