import { readFile } from 'node:fs/promises'
import { InvalidInputError } from '../../core/errors/index.ts'
import { createGatewayBackend, createIpfsBackend, createLocalBackend } from '../../core/storage/index.ts'
import type { EventBus } from '../../core/events/bus.ts'
import type { StorageBackend } from '../../core/storage/index.ts'
import type { RelayConfig } from '../config/schema.ts'
import type { RelayNode } from '../node/create-node.ts'
import type { BackendEntry } from './config.ts'

/** What a backend factory may use. */
export interface BackendFactoryContext {
  config: RelayConfig
  node: RelayNode
  events: EventBus
  /** Environment to read secrets from. */
  env: Record<string, string | undefined>
}

/** Builds the backend of one config entry. */
export type BackendFactory<E extends BackendEntry = BackendEntry> = (entry: E, ctx: BackendFactoryContext) => Promise<StorageBackend>

function cost (entry: { cost?: Record<string, number | undefined> }): Record<string, number> {
  return Object.fromEntries(Object.entries(entry.cost ?? {}).filter((kv): kv is [string, number] => kv[1] !== undefined))
}

/** S3 credentials from a JSON file or environment variables; undefined lets the SDK's default chain decide. */
async function s3Credentials (entry: Extract<BackendEntry, { kind: 's3' }>, env: Record<string, string | undefined>): Promise<{ accessKeyId: string, secretAccessKey: string, sessionToken?: string } | undefined> {
  if (entry.credentialsFile !== undefined) {
    const parsed: unknown = JSON.parse(await readFile(entry.credentialsFile, 'utf8'))
    if (typeof parsed === 'object' && parsed !== null && 'accessKeyId' in parsed && 'secretAccessKey' in parsed &&
      typeof parsed.accessKeyId === 'string' && typeof parsed.secretAccessKey === 'string') {
      const sessionToken = 'sessionToken' in parsed && typeof parsed.sessionToken === 'string' ? parsed.sessionToken : undefined
      return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) }
    }
    throw new InvalidInputError(`backend ${entry.name}: ${entry.credentialsFile} must hold {"accessKeyId", "secretAccessKey"}`)
  }
  const accessKeyId = env[entry.accessKeyIdEnv]
  const secretAccessKey = env[entry.secretAccessKeyEnv]
  if (accessKeyId === undefined || secretAccessKey === undefined || accessKeyId === '' || secretAccessKey === '') return undefined
  return { accessKeyId, secretAccessKey }
}

/**
 * One factory per `kind`. A backend with its own config module registers here (one line) and in the config union.
 */
export const backendFactories: { [K in BackendEntry['kind']]: BackendFactory<Extract<BackendEntry, { kind: K }>> } = {
  local: async (entry, { node }) => createLocalBackend({ name: entry.name, blockstore: node.blockstore, cost: { storageUsdPerGbMonth: 0, egressUsdPerGb: 0, latencyMs: 1, ...cost(entry) } }),
  ipfs: async (entry, { node, config }) => createIpfsBackend({
    name: entry.name,
    local: node.blockstore,
    network: node.helia.blockstore,
    peerCount: () => node.libp2p.getConnections().length,
    fetchTimeoutMs: entry.fetchTimeoutMs ?? config.network.fetchTimeoutMs,
    cost: cost(entry)
  }),
  s3: async (entry, { env }) => {
    const credentials = await s3Credentials(entry, env)
    // loaded on first use, like the other vendor clients: the AWS SDK adds tens of MB to a relay that has no S3
    const { createS3Backend } = await import('./s3/index.ts')
    return createS3Backend({
      name: entry.name,
      bucket: entry.bucket,
      prefix: entry.prefix,
      region: entry.region,
      forcePathStyle: entry.forcePathStyle,
      partSizeBytes: entry.partSizeBytes,
      queueSize: entry.queueSize,
      cost: cost(entry),
      ...(entry.endpoint === undefined ? {} : { endpoint: entry.endpoint }),
      ...(credentials === undefined ? {} : { credentials })
    })
  },
  gateway: async (entry, { events }) => createGatewayBackend({
    name: entry.name,
    gateways: entry.gateways,
    raceCount: entry.raceCount,
    headersTimeoutMs: entry.headersTimeoutMs,
    quarantineMs: entry.quarantineMs,
    cost: cost(entry),
    onGatewayFailure: failure => {
      if (failure.code === 'ERR_BLOCK_CORRUPT') events.emit({ type: 'storage:corrupt', cid: failure.cid.toString(), backend: entry.name, locator: `${failure.gateway}/ipfs/${failure.cid.toString()}` })
    }
  }),
  // loaded on first use: the Hub and Storacha clients are large and most relays configure neither
  huggingface: async (entry, { env }) => {
    const { createHuggingFaceBackend, huggingfaceInitFromConfig } = await import('./huggingface/index.ts')
    return createHuggingFaceBackend(await huggingfaceInitFromConfig(entry, env))
  },
  storacha: async (entry, { env }) => {
    const { createStorachaBackend, storachaInitFromConfig } = await import('./storacha/index.ts')
    return createStorachaBackend(await storachaInitFromConfig(entry, env))
  },
  filecoin: async (entry, { env, config }) => {
    const { createFilecoinBackend, filecoinInitFromConfig } = await import('./filecoin/index.ts')
    return createFilecoinBackend(await filecoinInitFromConfig(entry, env, config.dataDir))
  }
}

/** Build the backend of one entry with the factory of its kind, wrapped by `encryptAtRest` when the entry asks. */
export async function createBackend (entry: BackendEntry, ctx: BackendFactoryContext): Promise<StorageBackend> {
  const factory = backendFactories[entry.kind] as BackendFactory
  const backend = await factory(entry, ctx)
  if (!('encryptAtRest' in entry) || !entry.encryptAtRest) return backend
  const { encryptAtRest } = await import('./at-rest.ts')
  return encryptAtRest(backend, { dataDir: ctx.config.dataDir, datastore: ctx.node.datastore })
}
