import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import type { Readable, Writable } from 'node:stream'

/** Options of {@link bridgeStdioToRelay}. */
export interface McpBridgeOptions {
  /** Base URL of the relay's HTTP API (its MCP endpoint is `/mcp`). */
  url: string
  /** API key sent as `Authorization: Bearer` when the relay demands one. */
  key?: string
  stdin?: Readable
  stdout?: Writable
  /** Where diagnostics go (default stderr). */
  log?: (line: string) => void
}

/** Whether a message is the answer to `initialize` (it names the protocol version the two sides agreed on). */
function negotiatedVersion (message: JSONRPCMessage): string | undefined {
  if (!('result' in message)) return undefined
  const result = message.result as { protocolVersion?: unknown, serverInfo?: unknown }
  return typeof result.protocolVersion === 'string' && result.serverInfo !== undefined ? result.protocolVersion : undefined
}

/**
 * `ipfs-kit mcp` when a relay is running: the agent's stdio connection is passed through, message for message, to the
 * relay's Streamable HTTP endpoint, so the agent works on the relay's node (its blocks, pins, peers, cluster, backends
 * and search) under the relay's access control, instead of an isolated embedded node. Resolves when either side
 * closes. Local `path` arguments are not offered (the relay's tools run on the relay).
 */
export async function bridgeStdioToRelay (options: McpBridgeOptions): Promise<void> {
  const log = options.log ?? ((line: string) => { process.stderr.write(`${line}\n`) })
  const headers: Record<string, string> = options.key === undefined ? {} : { authorization: `Bearer ${options.key}` }
  const upstream = new StreamableHTTPClientTransport(new URL('/mcp', options.url), { requestInit: { headers } })
  const downstream = new StdioServerTransport(options.stdin, options.stdout)
  let closing = false
  const closed = new Promise<void>((resolve) => {
    const closeBoth = (): void => {
      if (closing) return
      closing = true
      void Promise.allSettled([upstream.close(), downstream.close()]).then(() => { resolve() })
    }
    upstream.onclose = closeBoth
    downstream.onclose = closeBoth
  })
  upstream.onerror = (err) => { log(`ipfs-kit mcp: relay ${options.url}: ${err.message}`) }
  downstream.onerror = (err) => { log(`ipfs-kit mcp: stdio: ${err.message}`) }
  downstream.onmessage = (message) => {
    upstream.send(message).catch((err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err)
      log(`ipfs-kit mcp: the relay at ${options.url} refused or failed: ${reason}`)
      // answer the request, so the agent does not wait forever
      if ('id' in message && 'method' in message) {
        void downstream.send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: `the relay at ${options.url} refused or failed: ${reason}` } })
      }
    })
  }
  upstream.onmessage = (message) => {
    const version = negotiatedVersion(message)
    if (version !== undefined) upstream.setProtocolVersion(version)
    void downstream.send(message)
  }
  await upstream.start()
  await downstream.start()
  log(`ipfs-kit mcp: serving the relay at ${options.url} (its node, pins, cluster and backends)`)
  await closed
}

/** Whether a relay answers at `url` (its `GET /api/v1/id`) within `timeoutMs`. */
export async function relayAnswers (url: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(new URL('/api/v1/id', url), { signal: AbortSignal.timeout(timeoutMs) })
    await res.body?.cancel()
    return res.ok
  } catch {
    return false
  }
}
