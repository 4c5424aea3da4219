import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import Fastify from 'fastify'
import { createMetrics } from '../../node-relay/metrics.ts'
import { mcpRoutes } from '../../node-relay/mcp/http.ts'
import { ERROR_META_KEY } from '../../node-relay/mcp/server.ts'
import type { HttpContext } from '../../node-relay/http/context.ts'
import type { McpRoutesOptions } from '../../node-relay/mcp/http.ts'
import type { TestRelay } from '../relay/support.ts'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { FastifyInstance } from 'fastify'

/** An HTTP server with only the MCP routes, over a real relay's service and events. */
export interface McpHttpStand {
  app: FastifyInstance
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string
  close: () => Promise<void>
}

/**
 * Mount `mcpRoutes` on a fresh Fastify instance (as `buildHttpServer` will once `/mcp` is wired into the relay)
 * with an `HttpContext` built from a test relay's parts, listening on a free loopback port.
 */
export async function startMcpHttp (relay: TestRelay, options: McpRoutesOptions = {}): Promise<McpHttpStand> {
  const app = Fastify({ logger: false })
  const ctx: HttpContext = { service: relay.service, events: relay.events, config: relay.config, metrics: createMetrics(), node: relay.node, draining: () => false }
  mcpRoutes(app, ctx, options)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { app, url: `http://127.0.0.1:${port}`, close: async () => { await app.close() } }
}

/** An SDK client connected over Streamable HTTP (`fetch`: one that msw does not intercept, where a test runs the Synapse SDK mocks: msw holds back streamed answers). */
export async function connectHttp (url: string, headers: Record<string, string> = {}, fetch?: typeof globalThis.fetch): Promise<Client> {
  const client = new Client({ name: 'ipfs-kit-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers }, ...(fetch !== undefined && { fetch }) }))
  return client
}

/** Call a tool and return its result (typed loosely: tests look inside). */
export async function call (client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return await client.callTool({ name, arguments: args }) as CallToolResult
}

/** Call a tool that must succeed; returns its structured content. */
export async function callOk<T = Record<string, unknown>> (client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = await call(client, name, args)
  if (result.isError === true) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`)
  return result.structuredContent as T
}

/** The stable error code of a failed call (from `_meta`), checked against the text the model sees. */
export function errorCodeOf (result: CallToolResult): string | undefined {
  const meta = result._meta?.[ERROR_META_KEY] as { code: string } | undefined
  const first = result.content[0]
  if (meta !== undefined && first?.type === 'text' && !first.text.startsWith(`${meta.code}: `)) throw new Error(`error text does not start with its code: ${first.text}`)
  return meta?.code
}

/** The text of every text content item, joined. */
export function textOf (result: CallToolResult): string {
  return result.content.map(item => item.type === 'text' ? item.text : '').join('')
}
