import { randomUUID } from 'node:crypto'
import { readMcpConfig } from './config.ts'
import { baseUrlOf, mcpGuard, resourceMetadataPath } from './http-guard.ts'
import { OAuthResourceServer } from './oauth.ts'
import { actorOf } from '../http/audit-hook.ts'
import type { HttpContext } from '../http/context.ts'
import type { McpConfig } from './config.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import type { buildMcpServer as BuildMcpServer, notifyPinChanges as NotifyPinChanges } from './server.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { codeOf } from '../http/errors.ts'

/** Options of {@link mcpRoutes}; the `mcp` section of the relay config supplies the rest. */
export interface McpRoutesOptions {
  /** Endpoint path (default `/mcp`). */
  path?: string
  /** Override the config's `mcp` section (token, allowed origins, inline limit). */
  config?: Partial<McpConfig>
  /** Sessions held at once (default 64); at the cap the session idle longest is closed for a new one (503 only when all are busy). */
  maxSessions?: number
  /** A session with no request for this long, and none open, is closed (default 30 min). */
  sessionIdleMs?: number
  /** Largest JSON-RPC request body, e.g. an `ipfs_add` with base64 content (default 32 MiB). */
  bodyLimitBytes?: number
}

/** One client's MCP session: its own server instance over the shared service. */
interface Session {
  server: McpServer
  transport: StreamableHTTPServerTransport
  lastSeen: number
  /** Requests in flight (not counting the client's standing GET event stream). */
  open: number
  /** The API key that started the session: only that key may use it. */
  principalId?: string
}

function rpcError (reply: FastifyReply, status: number, code: number, message: string): FastifyReply {
  return reply.status(status).send({ jsonrpc: '2.0', error: { code, message }, id: null })
}

/**
 * The MCP SDK, the tools and their schemas, loaded on the first `/mcp` request: ~26 MB a relay that no agent talks to
 * does not need to hold (the 1 GiB upload stays under 300 MB RSS).
 */
async function loadMcp (): Promise<{
  StreamableHTTPServerTransport: typeof StreamableHTTPServerTransport
  isInitializeRequest: (value: unknown) => boolean
  buildMcpServer: typeof BuildMcpServer
  notifyPinChanges: typeof NotifyPinChanges
}> {
  const [transport, types, server] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
    import('./server.ts')
  ])
  return {
    StreamableHTTPServerTransport: transport.StreamableHTTPServerTransport,
    isInitializeRequest: types.isInitializeRequest,
    buildMcpServer: server.buildMcpServer,
    notifyPinChanges: server.notifyPinChanges
  }
}

/**
 * The MCP server over Streamable HTTP at `/mcp` (POST, GET event stream, DELETE), with sessions, plus RFC 9728
 * protected resource metadata at `/.well-known/oauth-protected-resource[/mcp]`. Every request is checked first: a
 * foreign `Origin` gets 403, and when `mcp.token` is configured a request without `Authorization: Bearer <token>`
 * gets 401 with `WWW-Authenticate`. Tools over HTTP never touch local files.
 */
export function mcpRoutes (app: FastifyInstance, ctx: HttpContext, options: McpRoutesOptions = {}): void {
  const path = options.path ?? '/mcp'
  const config = { ...readMcpConfig(ctx.config), ...options.config }
  const maxSessions = options.maxSessions ?? 64
  const idleMs = options.sessionIdleMs ?? 30 * 60_000
  const sessions = new Map<string, Session>()

  let mcp: ReturnType<typeof loadMcp> | undefined
  const startSession = async (request: FastifyRequest): Promise<Session> => {
    const { buildMcpServer, notifyPinChanges, StreamableHTTPServerTransport } = await (mcp ??= loadMcp())
    const server = buildMcpServer({
      service: ctx.service,
      search: ctx.search,
      storage: ctx.storage,
      cluster: ctx.cluster,
      keys: ctx.auth?.keys,
      auditLog: ctx.audit,
      invitations: ctx.invitations,
      migration: ctx.migration,
      registry: ctx.registry,
      filecoin: ctx.filecoin,
      stats: ctx.stats,
      clusterSecret: ctx.config.cluster.secret,
      pinTimeoutMs: ctx.config.network.pinTimeoutMs,
      localFiles: false,
      maxInlineBytes: config.maxInlineBytes,
      httpUrl: baseUrlOf(request),
      scopes: request.principal?.scopes,
      principalName: request.principal?.name,
      audit: ctx.audit === undefined
        ? undefined
        : (tool, outcome) => {
            void ctx.audit?.log.append({
              actor: actorOf(request, ctx.auth?.keys),
              ip: request.ip,
              action: `mcp ${tool}`,
              result: outcome.ok ? 'ok' : outcome.code === 'ERR_FORBIDDEN' ? 'denied' : 'error'
            })
          },
      onUnexpectedError: (err, tool) => { app.log.error({ err, tool, code: codeOf(err) }, 'MCP tool failed') }
    })
    const stopWatching = notifyPinChanges(server, ctx.events)
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => { sessions.set(id, session) }
    })
    const session: Session = { server, transport, lastSeen: Date.now(), open: 0, principalId: request.principal?.id }
    transport.onclose = () => {
      stopWatching()
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId)
    }
    await server.connect(transport)
    return session
  }

  /** At the cap, idle sessions cannot lock new clients out: the one idle longest is closed to make room. */
  const evictOldestIdle = async (): Promise<boolean> => {
    let oldest: Session | undefined
    for (const session of sessions.values()) {
      if (session.open === 0 && (oldest === undefined || session.lastSeen < oldest.lastSeen)) oldest = session
    }
    if (oldest === undefined) return false
    if (oldest.transport.sessionId !== undefined) sessions.delete(oldest.transport.sessionId)
    await oldest.server.close()
    return true
  }

  const handle = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const id = request.headers['mcp-session-id']
    let session = typeof id === 'string' ? sessions.get(id) : undefined
    if (id !== undefined && session === undefined) return rpcError(reply, 404, -32001, 'session not found: initialize a new one')
    if (session !== undefined && session.principalId !== request.principal?.id) return rpcError(reply, 403, -32001, 'this session belongs to another API key')
    if (session === undefined) {
      const { isInitializeRequest } = await (mcp ??= loadMcp())
      if (request.method !== 'POST' || !isInitializeRequest(request.body)) return rpcError(reply, 400, -32000, 'no Mcp-Session-Id: send an initialize request first')
      if (sessions.size >= maxSessions && !(await evictOldestIdle())) return rpcError(reply, 503, -32000, `too many MCP sessions (${maxSessions}) with requests in flight; close one (DELETE ${path}) and retry`)
      session = await startSession(request)
    }
    const active = session
    // the client's standing GET event stream is not work in flight: a session with only that open is idle
    const busy = request.method !== 'GET'
    if (busy) active.open++
    active.lastSeen = Date.now()
    reply.raw.once('close', () => {
      if (busy) active.open--
      active.lastSeen = Date.now()
    })
    reply.hijack()
    try {
      await active.transport.handleRequest(request.raw, reply.raw, request.body)
    } catch (err) {
      request.log.error({ err, code: codeOf(err) }, 'MCP request failed')
      if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'internal error' }, id: null }))
      else reply.raw.destroy()
    }
    return undefined
  }

  const auth = ctx.auth
  const keys = auth === undefined
    ? undefined
    : { verify: (presented: string) => auth.keys.verify(presented), enforced: () => ctx.config.auth.required || auth.keys.hasActiveKeys() }
  const oauth = config.oauth === undefined ? undefined : new OAuthResourceServer(config.oauth)
  const guard = mcpGuard({ token: config.token, keys, allowedOrigins: config.allowedOrigins, path, oauth })
  const bodyLimit = options.bodyLimitBytes ?? 32 * 1024 * 1024
  const hide = { hide: true } // JSON-RPC, not REST: kept out of the OpenAPI document
  app.post(path, { onRequest: guard, bodyLimit, schema: hide }, handle)
  app.get(path, { onRequest: guard, schema: hide }, handle)
  app.delete(path, { onRequest: guard, schema: hide }, handle)
  app.options(path, { onRequest: guard, schema: hide }, async (_request, reply) => reply.status(204).send())

  // RFC 9728: where clients learn which authorization server issues tokens for this resource, and what to ask for
  const metadata = async (request: FastifyRequest): Promise<Record<string, unknown>> => ({
    resource: oauth?.resourceFor(`${baseUrlOf(request)}${path}`) ?? `${baseUrlOf(request)}${path}`,
    ...(oauth === undefined ? {} : { authorization_servers: [oauth.issuer], scopes_supported: oauth.scopesSupported }),
    bearer_methods_supported: ['header'],
    resource_name: 'ipfs-kit MCP server'
  })
  app.get(resourceMetadataPath(path), { schema: hide }, metadata)
  app.get(resourceMetadataPath(''), { schema: hide }, metadata)

  const sweep = setInterval(() => {
    const cutoff = Date.now() - idleMs
    for (const session of sessions.values()) {
      if (session.open === 0 && session.lastSeen < cutoff) void session.server.close()
    }
  }, Math.min(idleMs, 60_000))
  sweep.unref()
  // end every event stream before the HTTP server waits for its connections to drain
  app.addHook('preClose', async () => {
    clearInterval(sweep)
    await Promise.allSettled([...sessions.values()].map(async session => session.server.close()))
  })
}
