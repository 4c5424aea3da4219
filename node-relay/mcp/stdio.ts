import { homedir } from 'node:os'
import { join } from 'node:path'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { loadConfig } from '../config/load.ts'
import { startRelay } from '../relay.ts'
import { readMcpConfig } from './config.ts'
import { buildMcpServer, notifyPinChanges } from './server.ts'
import type { Relay } from '../relay.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { Readable, Writable } from 'node:stream'

/** Options of `ipfs-kit mcp`. */
export interface McpStdioOptions {
  /** Data directory of the embedded node; default `$IPFS_KIT_DATA_DIR`, else `~/.ipfs-kit` (MCP clients start servers in arbitrary directories). */
  dataDir?: string
  /** A JSON config file, as for `ipfs-kit start`. */
  config?: string
  /** Environment to read `IPFS_KIT_*` settings from (default `process.env`). */
  env?: Record<string, string | undefined>
  /** libp2p listen addresses of the embedded node (default: loopback WebSocket and TCP on free ports). */
  listen?: string[]
  /** Streams of the protocol (default process stdin/stdout). Nothing else is ever written to stdout. */
  stdin?: Readable
  stdout?: Writable
  /** Where diagnostics go (default stderr). */
  log?: (line: string) => void
}

/** A running stdio MCP server. */
export interface McpStdio {
  relay: Relay
  server: McpServer
  /** Resolves once the client has gone (stdin closed) and the node has stopped. */
  closed: Promise<void>
  /** Disconnect and stop the embedded node. */
  close: () => Promise<void>
}

/**
 * Run the MCP server over stdio with an embedded node (`ipfs-kit mcp`): a relay on loopback with its HTTP API on a
 * free port, so the agent can also be pointed at its gateway. Tools may read and write local files (`path`).
 * stdout carries only protocol messages; diagnostics go to stderr.
 */
export async function runMcpStdio (options: McpStdioOptions = {}): Promise<McpStdio> {
  const env = options.env ?? process.env
  const log = options.log ?? ((line: string) => { process.stderr.write(`${line}\n`) })
  const dataDir = options.dataDir ?? env.IPFS_KIT_DATA_DIR ?? join(homedir(), '.ipfs-kit')
  const config = await loadConfig({
    file: options.config,
    env,
    flags: {
      dataDir,
      'http.host': '127.0.0.1',
      'http.port': 0,
      'libp2p.listen': options.listen ?? ['/ip4/127.0.0.1/tcp/0/ws', '/ip4/127.0.0.1/tcp/0'],
      logLevel: 'silent'
    }
  })
  const relay = await startRelay(config)
  const server = buildMcpServer({
    service: relay.service,
    search: relay.search,
    storage: relay.storage.manager,
    cluster: relay.cluster,
    migration: relay.migration,
    registry: relay.registry,
    filecoin: relay.filecoin,
    stats: relay.stats,
    localFiles: true,
    httpUrl: relay.url,
    maxInlineBytes: readMcpConfig(relay.config).maxInlineBytes,
    onUnexpectedError: (err, tool) => { log(`ipfs-kit mcp: ${tool} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`) }
  })
  const stopWatching = notifyPinChanges(server, relay.events)
  const transport = new StdioServerTransport(options.stdin, options.stdout)
  let stopping: Promise<void> | undefined
  const stopNode = async (): Promise<void> => {
    stopping ??= (async () => {
      stopWatching()
      await relay.stop()
    })()
    return stopping
  }
  // however the connection ends (stdin closed, close() below), the transport's onclose stops the node
  const closed = new Promise<void>(resolve => {
    transport.onclose = () => { void stopNode().then(resolve, (err: unknown) => { log(`ipfs-kit mcp: stopping failed: ${String(err)}`); resolve() }) }
  })
  const close = async (): Promise<void> => {
    await server.close()
    await stopNode()
  }
  const stdin = options.stdin ?? process.stdin
  stdin.once('end', () => { void transport.close() })
  await server.connect(transport)
  log(`ipfs-kit mcp: serving on stdio; node ${relay.service.id().peerId}, data in ${dataDir}, HTTP API ${relay.url}`)
  return { relay, server, closed, close }
}

/**
 * What `ipfs-kit mcp` runs: {@link runMcpStdio}, stopped cleanly on SIGINT/SIGTERM or when the client closes stdin;
 * then the process exits.
 */
export async function serveMcpStdio (options: McpStdioOptions = {}): Promise<void> {
  // stdout belongs to the protocol: a stray console.log from any library would corrupt it
  console.log = console.info = console.debug = console.error
  const mcp = await runMcpStdio(options)
  const stop = (): void => { void mcp.close() }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  // closing the server closes the transport, which resolves `closed` once the node has stopped
  await mcp.closed
  process.exit(0)
}
