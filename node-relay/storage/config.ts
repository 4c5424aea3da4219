/**
 * The relay config's `storage` section: the backends (a discriminated union on `kind`) and the placement policy.
 * Secrets never sit in the config file: S3 keys come from environment variables or a credentials file.
 * Backends with their own config module (Hugging Face, Storacha) add their entry schema to {@link backendEntrySchema}.
 */
import { z } from 'zod'
import { huggingfaceBackendSchema } from './huggingface/config.ts'
import { filecoinBackendSchema } from './filecoin/config.ts'
import { storachaBackendSchema } from './storacha/config.ts'
import { costOverrideSchema } from './cost-override.ts'
import { encryptAtRestSchema } from './encrypt-at-rest-option.ts'

export { costOverrideSchema }

/** Backend names are keys of the reference index and path segments of the REST API. */
export const backendNameSchema = z.string().regex(/^[A-Za-z0-9][\w.-]{0,63}$/).describe('instance name, unique on this relay (letters, digits, ".", "_", "-")')

/** `kind: 'local'`: the relay's own filesystem blockstore. Always present (added as `local` when not listed). */
export const localBackendSchema = z.object({
  kind: z.literal('local'),
  name: backendNameSchema.default('local'),
  cost: costOverrideSchema
}).strict()

/** `kind: 'ipfs'`: the IPFS network through the relay's Helia (bitswap with connected peers). */
export const ipfsBackendSchema = z.object({
  kind: z.literal('ipfs'),
  name: backendNameSchema.default('ipfs'),
  fetchTimeoutMs: z.number().int().positive().optional().describe('how long one missing block may take (default network.fetchTimeoutMs)'),
  cost: costOverrideSchema
}).strict()

/** `kind: 's3'`: an S3 or S3-compatible bucket, one `<prefix>/<cid>.car` object per DAG. */
export const s3BackendSchema = z.object({
  kind: z.literal('s3'),
  name: backendNameSchema.default('s3'),
  bucket: z.string().min(3).max(63).describe('bucket name'),
  prefix: z.string().default('ipfs').describe('key prefix inside the bucket'),
  endpoint: z.url().optional().describe('endpoint of an S3-compatible service (MinIO, R2, Ceph...); default AWS'),
  region: z.string().min(1).default('us-east-1'),
  forcePathStyle: z.boolean().default(false).describe('path-style URLs (most S3-compatible services need this)'),
  accessKeyIdEnv: z.string().min(1).default('AWS_ACCESS_KEY_ID').describe('environment variable holding the access key id'),
  secretAccessKeyEnv: z.string().min(1).default('AWS_SECRET_ACCESS_KEY').describe('environment variable holding the secret key'),
  credentialsFile: z.string().min(1).optional().describe('JSON file {accessKeyId, secretAccessKey, sessionToken?} (wins over the env variables)'),
  partSizeBytes: z.number().int().min(5 * 1024 * 1024).default(8 * 1024 * 1024).describe('multipart part size'),
  queueSize: z.number().int().min(1).max(64).default(4).describe('parts uploaded at once'),
  encryptAtRest: encryptAtRestSchema,
  cost: costOverrideSchema
}).strict()

/** `kind: 'gateway'`: read-only retrieval from trustless gateways (CARs, raced, every block verified). */
export const gatewayBackendSchema = z.object({
  kind: z.literal('gateway'),
  name: backendNameSchema.default('gateways'),
  gateways: z.array(z.url()).min(1).describe('trustless gateway base URLs'),
  raceCount: z.number().int().min(1).default(2).describe('gateways asked at once'),
  headersTimeoutMs: z.number().int().positive().default(15_000).describe('how long to wait for a gateway to answer'),
  quarantineMs: z.number().int().min(0).default(600_000).describe('how long a gateway that served corrupt bytes is tried last'),
  cost: costOverrideSchema
}).strict()

/** One entry of `storage.backends`. Engineer-owned backends add their schema to this union. */
export const backendEntrySchema = z.discriminatedUnion('kind', [
  localBackendSchema,
  ipfsBackendSchema,
  s3BackendSchema,
  gatewayBackendSchema,
  huggingfaceBackendSchema,
  storachaBackendSchema,
  filecoinBackendSchema
])

/** A validated `storage.backends` entry. */
export type BackendEntry = z.infer<typeof backendEntrySchema>

/** The `storage` section. Default: only the local backend, no copies elsewhere (no external service needed). */
export const storageSchema = z.object({
  backends: z.array(backendEntrySchema).default([{ kind: 'local', name: 'local' }]).describe('where content can live'),
  placement: z.object({
    default: z.array(backendNameSchema).default([]).describe('backends every put places a copy on (besides local)'),
    bySize: z.array(z.object({
      minBytes: z.number().int().min(0).describe('content of at least this many bytes...'),
      backends: z.array(backendNameSchema).min(1).describe('...also goes to these backends')
    }).strict()).default([])
  }).strict().default({ default: [], bySize: [] }),
  statusTimeoutMs: z.number().int().positive().default(5_000).describe('how long a backend health probe may take'),
  maxBytes: z.record(backendNameSchema, z.number().int().positive()).default({})
    .describe('largest DAG (bytes) each named backend may take, e.g. {"s3": 5368709120}; bigger content is not placed there (ERR_TOO_LARGE)')
}).strict().superRefine((storage, ctx) => {
  const names = storage.backends.map(b => b.name)
  const seen = new Set<string>()
  for (const name of names) {
    if (seen.has(name)) ctx.addIssue({ code: 'custom', path: ['backends'], message: `two backends are named "${name}"` })
    seen.add(name)
  }
  const known = new Set([...names, 'local'])
  for (const name of Object.keys(storage.maxBytes)) {
    if (!known.has(name)) ctx.addIssue({ code: 'custom', path: ['maxBytes', name], message: `maxBytes names unknown backend "${name}"` })
  }
  for (const name of [...storage.placement.default, ...storage.placement.bySize.flatMap(r => r.backends)]) {
    if (!known.has(name)) ctx.addIssue({ code: 'custom', path: ['placement'], message: `placement names unknown backend "${name}"` })
  }
})

/** The validated `storage` section. */
export type StorageConfig = z.infer<typeof storageSchema>
