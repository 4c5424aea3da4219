import { z } from 'zod'
import { storageSchema } from '../storage/config.ts'
import { migrationSchema } from '../migration/config.ts'
import { isRole, isScope } from '../../core/auth/scopes.ts'
import { LOG_FORMATS } from '../log/log-format.ts'

const port = z.number().int().min(0).max(65_535)
const bytes = z.number().int().positive()

/** Kubo's default bootstrap peers: how a node joins the public IPFS network. */
export const PUBLIC_BOOTSTRAP = [
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt',
  '/ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ'
] as const

/** The public Routing V1 HTTP API endpoint Helia and Kubo use by default. */
export const PUBLIC_DELEGATED_ROUTERS = ['https://delegated-ipfs.dev'] as const

/** Settings of the relay's circuit relay v2 server (what browsers fall back to when WebRTC fails). */
export const relaySchema = z.object({
  enabled: z.boolean().default(true).describe('run a circuit relay v2 server'),
  maxReservations: z.number().int().min(0).default(128).describe('reservations held at once'),
  reservationTtlMs: z.number().int().positive().default(2 * 60 * 60 * 1000).describe('how long a reservation lasts'),
  connectionDurationMs: z.number().int().positive().default(10 * 60 * 1000)
    .describe('time limit of one relayed connection (libp2p default is 2 min)'),
  connectionDataBytes: bytes.default(64 * 1024 * 1024)
    .describe('data limit of one relayed connection, each way (libp2p default is 128 KiB: too small for a file fallback)')
}).strict()

/**
 * The cluster this relay joins (docs/CLUSTER.md). With neither `secret` nor `trustedPeers` the relay is a solo
 * cluster: it writes its own pinset and follows others read-only.
 */
export const clusterSchema = z.object({
  enabled: z.boolean().default(true).describe('join a cluster (a solo one unless a secret or trusted peers are set)'),
  name: z.string().min(1).max(64).regex(/^[\w.-]+$/).default('ipfs-kit').describe('cluster name: peers with the same name share one pinset'),
  secret: z.string().min(16).optional().describe('shared secret: peers that know it may write the pinset'),
  trustedPeers: z.array(z.string().min(1)).default([]).describe('peer ids that may write the pinset'),
  registryWriters: z.array(z.string().min(1)).default([])
    .describe('peer ids whose model and dataset registry records are applied (empty = every relay; docs/REGISTRY.md): a record or alias move signed by another peer is ignored'),
  tags: z.array(z.string().min(1).max(64)).default([]).describe('tags the allocator matches against pin tags'),
  storageMax: z.number().int().min(0).optional()
    .describe('most bytes of cluster pins this relay takes (like Kubo\'s StorageMax; 0 = it coordinates but takes no allocations)'),
  replicationMin: z.number().int().min(1).default(1).describe('default fewest copies of a pin'),
  replicationMax: z.number().int().min(-1).default(3).describe('default most copies of a pin (-1 = every peer)'),
  heartbeatMs: z.number().int().positive().default(5_000).describe('how often metrics are published and repair runs'),
  peerTimeoutMs: z.number().int().positive().default(30_000).describe('a peer silent this long loses its allocations'),
  pinTimeoutMs: z.number().int().positive().default(120_000).describe('a pin not fetched within this time ends in error'),
  checkIntervalMs: z.number().int().min(0).default(60_000).describe('how often a random allocated peer must prove it holds a pin (0 = never)'),
  syncIntervalMs: z.number().int().positive().default(30_000).describe('anti-entropy: how often state vectors are exchanged with a peer'),
  recoverIntervalMs: z.number().int().positive().default(720_000).describe('how often pins in error are retried automatically'),
  compactIntervalMs: z.number().int().min(0).default(60_000).describe('how often the leader checks whether to compact the state\'s history (0 = never)'),
  compactMinTombstones: z.number().int().positive().default(10_000)
    .describe('compact once more removed or overwritten values are kept than this, and than there are live entries')
}).strict()

/** The relay's search index (docs/SEARCH.md). Without `modelDir`/`model` it embeds with the deterministic hashing embedder. */
export const searchSchema = z.object({
  enabled: z.boolean().default(true).describe('index content as it is added or pinned, and serve /api/v1/search'),
  extractBytes: bytes.default(256 * 1024).describe('bytes read from the start of each file for its text'),
  modelDir: z.string().min(1).optional().describe('directory of local ONNX sentence-embedding models (nothing is downloaded)'),
  model: z.string().min(1).optional().describe('model folder inside modelDir, e.g. all-MiniLM-L6-v2'),
  registryModel: z.string().min(1).optional().describe('a registered model to embed with, e.g. embedder@production (docs/REGISTRY.md): its directory is written to <dataDir>/models/<cid> and loaded as a local ONNX model'),
  snapshotDelayMs: z.number().int().min(0).default(2_000).describe('quiet time after a change before the index snapshot is written')
}).strict()

/**
 * Access control (docs/SECURITY.md). API keys are managed with `ipfs-kit keys` or `/api/v1/keys`; once one exists,
 * every non-public route needs one. A relay bound to a non-loopback address without keys refuses to start unless
 * `insecure` is set.
 */
export const authSchema = z.object({
  required: z.boolean().default(false).describe('demand an API key even before any key exists (otherwise: once one exists)'),
  insecure: z.boolean().default(false).describe('allow a non-loopback bind with no API key (anyone who reaches it may write)'),
  publicMetrics: z.boolean().default(false).describe('serve /metrics without a key (for scrapers on a trusted network)')
}).strict()

/** The relay's whole configuration, validated. Every field has a default: an empty file is a valid config. */
export const configSchema = z.object({
  dataDir: z.string().min(1).default('./.ipfs-kit').describe('where blocks, the datastore and the peer key live'),
  http: z.object({
    host: z.string().min(1).default('127.0.0.1').describe('HTTP listen address'),
    port: port.default(8998).describe('HTTP port (0 picks a free one)'),
    bodyLimitBytes: bytes.default(4 * 1024 * 1024).describe('largest JSON/raw request body (uploads stream and are not limited by this)'),
    maxUploadBytes: bytes.default(64 * 1024 * 1024 * 1024).describe('largest single upload'),
    drainTimeoutMs: z.number().int().positive().default(30_000).describe('on shutdown, how long requests in flight may take to finish'),
    allowedOrigins: z.array(z.string().min(1)).default([])
      .describe('browser origins (scheme://host[:port]) besides the relay\'s own that may write and read the API; "*" allows every origin'),
    allowedHosts: z.array(z.string().min(1)).default([])
      .describe('Host names the relay answers to besides its own listen address and loopback names (DNS-rebinding guard); "*" accepts any'),
    headersTimeoutMs: z.number().int().positive().default(30_000).describe('a client must send its request headers within this time (slowloris)'),
    idleTimeoutMs: z.number().int().positive().default(120_000).describe('a connection with no bytes either way for this long is closed'),
    minUploadBytesPerSecond: z.number().int().min(0).default(1024)
      .describe('a request body arriving slower than this, averaged over uploadRateWindowMs, is cut (0 = never)'),
    uploadRateWindowMs: z.number().int().positive().default(30_000).describe('the window the upload rate is measured over'),
    maxConnections: z.number().int().positive().default(1024).describe('HTTP connections at once; more are refused'),
    slowRequestMs: z.number().int().min(0).default(10_000).describe('a request taking longer is logged at warn (0 = never; every request is logged at debug)'),
    statsIntervalMs: z.number().int().min(100).max(60_000).default(5_000).describe('time between the samples of the recent history dashboards draw (GET /api/v1/stats)'),
    tls: z.object({
      cert: z.string().min(1).describe('PEM certificate chain file'),
      key: z.string().min(1).describe('PEM private key file')
    }).strict().optional().describe('serve HTTPS (and WSS on /tls/ws libp2p listen addresses) with this certificate')
  }).strict().default({ host: '127.0.0.1', port: 8998, bodyLimitBytes: 4 * 1024 * 1024, maxUploadBytes: 64 * 1024 * 1024 * 1024, drainTimeoutMs: 30_000, allowedOrigins: [], allowedHosts: [], headersTimeoutMs: 30_000, idleTimeoutMs: 120_000, minUploadBytesPerSecond: 1024, uploadRateWindowMs: 30_000, maxConnections: 1024, slowRequestMs: 10_000, statsIntervalMs: 5_000 }),
  libp2p: z.object({
    listen: z.array(z.string().min(1)).default(['/ip4/127.0.0.1/tcp/9998/ws', '/ip4/127.0.0.1/tcp/9997'])
      .describe('libp2p listen multiaddrs (WebSocket for browsers, TCP for Node peers)'),
    announce: z.array(z.string().min(1)).default([]).describe('addresses to announce instead of the listen ones'),
    bootstrap: z.array(z.string().min(1)).default([]).describe('peers to dial at start')
  }).strict().default({ listen: ['/ip4/127.0.0.1/tcp/9998/ws', '/ip4/127.0.0.1/tcp/9997'], announce: [], bootstrap: [] }),
  relay: relaySchema.default({ enabled: true, maxReservations: 128, reservationTtlMs: 2 * 60 * 60 * 1000, connectionDurationMs: 10 * 60 * 1000, connectionDataBytes: 64 * 1024 * 1024 }),
  blocks: z.object({
    maxBlockSize: bytes.max(16 * 1024 * 1024).default(2 * 1024 * 1024).describe('largest block accepted'),
    fsync: z.boolean().default(false).describe('fsync every block (survives power loss; much slower)'),
    cacheBytes: z.number().int().min(0).default(64 * 1024 * 1024).describe('memory LRU of recently read blocks'),
    quotaBytes: bytes.optional().describe('most bytes of blocks this relay keeps: adds, CAR imports and block puts past it get 507 ERR_QUOTA_EXCEEDED (a streamed add of unknown size is refused once the store is full)')
  }).strict().default({ maxBlockSize: 2 * 1024 * 1024, fsync: false, cacheBytes: 64 * 1024 * 1024 }),
  network: z.object({
    fetchTimeoutMs: z.number().int().positive().default(30_000).describe('how long a read waits for a missing block from peers'),
    pinTimeoutMs: z.number().int().positive().default(10 * 60_000).describe('how long a pin may take to fetch its DAG'),
    offline: z.boolean().default(false).describe('never reach the public IPFS network: no bootstrap, DHT, delegated routing or providing (`--offline`)'),
    publicBootstrap: z.array(z.string().min(1)).default([...PUBLIC_BOOTSTRAP]).describe('public network peers to join through (Kubo\'s defaults)'),
    delegatedRouters: z.array(z.url()).default([...PUBLIC_DELEGATED_ROUTERS]).describe('Routing V1 HTTP API endpoints asked for providers and peers'),
    dht: z.enum(['client', 'lan', 'off']).default('client').describe('client: the public Amino DHT (/ipfs/kad/1.0.0) in client mode; lan: a DHT server among private addresses only (/ipfs/lan/kad/1.0.0, as Kubo\'s LAN DHT), for private networks; off: none'),
    reprovideIntervalMs: z.number().int().positive().default(22 * 60 * 60_000).describe('how often what the relay pins is announced again (as Kubo, 22 h)')
  }).strict().default({ fetchTimeoutMs: 30_000, pinTimeoutMs: 10 * 60_000, offline: false, publicBootstrap: [...PUBLIC_BOOTSTRAP], delegatedRouters: [...PUBLIC_DELEGATED_ROUTERS], dht: 'client', reprovideIntervalMs: 22 * 60 * 60_000 }),
  auth: authSchema.default(authSchema.parse({})).describe('API keys and access control (docs/SECURITY.md)'),
  limits: z.object({
    requestsPerMinutePerKey: z.number().int().min(0).default(0).describe('requests one API key may make per minute (0 = no limit)'),
    requestsPerMinutePerIp: z.number().int().min(0).default(1200)
      .describe('requests per minute from one non-loopback address without a key (0 = no limit; loopback is never limited)'),
    maxConcurrentUploads: z.number().int().min(1).default(32).describe('adds, CAR imports and block puts in flight at once; more get 429'),
    maxWsClients: z.number().int().min(1).default(256).describe('/ws connections at once'),
    wsSendBufferBytes: bytes.default(4 * 1024 * 1024).describe('a /ws client that lets this much pile up unread is dropped')
  }).strict().default({ requestsPerMinutePerKey: 0, requestsPerMinutePerIp: 1200, maxConcurrentUploads: 32, maxWsClients: 256, wsSendBufferBytes: 4 * 1024 * 1024 }),
  audit: z.object({
    enabled: z.boolean().default(true).describe('append every write, admin and denied action to <dataDir>/audit (hash-chained, signed checkpoints)'),
    maxFileBytes: bytes.default(64 * 1024 * 1024).describe('start a new audit file past this size'),
    verifyIntervalMs: z.number().int().min(0).default(60 * 60_000)
      .describe('verify the whole log\'s chain and signatures this often while running (metric ipfs_kit_audit_verify_problems; 0 = never)')
  }).strict().default({ enabled: true, maxFileBytes: 64 * 1024 * 1024, verifyIntervalMs: 60 * 60_000 }),
  mcp: z.object({
    token: z.string().min(16).optional().describe('bearer token required on /mcp'),
    allowedOrigins: z.array(z.string().min(1)).default([]).describe('browser origins allowed on /mcp besides localhost'),
    maxInlineBytes: bytes.default(1024 * 1024).describe('largest payload an MCP tool returns inline'),
    oauth: z.object({
      issuer: z.url().describe('the OAuth 2.1 authorization server whose JWT access tokens /mcp accepts (its `iss`)'),
      resource: z.url().optional().describe('this endpoint\'s canonical URL, the audience tokens must name (default: the URL the request came to)'),
      jwksUri: z.url().optional().describe('the JWKS URL, when the authorization server publishes no metadata'),
      scopeMap: z.record(z.string(), z.array(z.string()).superRefine((names, ctx) => {
        for (const name of names) if (!isScope(name) && !isRole(name)) ctx.addIssue({ code: 'custom', message: `"${name}" is neither an ipfs-kit scope nor a role` })
      })).optional()
        .describe('token scopes standing for ipfs-kit scopes or roles'),
      scopesSupported: z.array(z.string()).optional().describe('scopes advertised to clients in the protected resource metadata')
    }).strict().optional().describe('accept OAuth access tokens on /mcp (MCP authorization); API keys still work')
  }).strict().default({ allowedOrigins: [], maxInlineBytes: 1024 * 1024 }),
  cluster: clusterSchema.default(clusterSchema.parse({})),
  search: searchSchema.default(searchSchema.parse({})),
  storage: storageSchema.default(storageSchema.parse({})).describe('storage backends and placement (docs/STORAGE.md)'),
  migration: migrationSchema.default(migrationSchema.parse({})).describe('migration policies, retention and the job queue (docs/MIGRATION.md)'),
  filecoin: z.object({
    rpcUrl: z.url().optional().describe('Lotus or Forest JSON-RPC endpoint for chain analytics, e.g. https://api.calibration.node.glif.io/rpc/v1 (off when unset)'),
    tokenEnv: z.string().min(1).default('FILECOIN_RPC_TOKEN').describe('environment variable holding a bearer token for a private node'),
    wallet: z.string().regex(/^[ft][0-4][a-z0-9]+$/).optional().describe('a wallet address whose FIL balance filecoin status shows'),
    providers: z.array(z.string().regex(/^[ft]0\d+$/, 'a miner id such as f01234')).default([]).describe('storage providers (miner ids) to watch: power and faulty sectors')
  }).strict().default({ tokenEnv: 'FILECOIN_RPC_TOKEN', providers: [] }).describe('Filecoin chain analytics (docs/FILECOIN.md)'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
    .describe('the least severe log lines written (requests are logged at debug; errors and slow requests at info and above)'),
  logFormat: z.enum(LOG_FORMATS).default('auto').describe('pretty lines, JSON lines, or auto: pretty on a terminal, JSON otherwise')
}).strict()

/** The validated configuration. */
export type RelayConfig = z.infer<typeof configSchema>
/** What a config file, env or flags may give: any subset. */
export type RelayConfigInput = z.input<typeof configSchema>
