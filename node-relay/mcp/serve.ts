import { homedir } from 'node:os'
import { join } from 'node:path'
import { apiList } from '../cli/client.ts'
import { UnreachableError } from '../cli/exit.ts'
import { bridgeStdioToRelay, relayAnswers } from './bridge.ts'
import { serveMcpStdio } from './stdio.ts'

/** Options of `ipfs-kit mcp`. */
export interface ServeMcpOptions {
  /** The relay's HTTP API (`--api`, default http://127.0.0.1:8998 or $IPFS_KIT_API); several comma-separated: the first that answers. */
  api: string
  /** Whether `--api` (or $IPFS_KIT_API) was given: then a relay that does not answer is an error, not a reason to embed. */
  apiGiven: boolean
  /** API key for the relay. */
  key?: string
  /** Run an embedded node whatever answers (also implied by a data directory). */
  embedded?: boolean
  dataDir?: string
  config?: string
}

/**
 * `ipfs-kit mcp`: pass the agent through to the running relay when one answers at `--api`, so it works on the same
 * node as the CLI, the app and other agents; otherwise run an embedded node, and say so on stderr — an embedded node
 * is isolated: it holds only what is added through it and reaches other content only through the peers it finds.
 */
export async function serveMcp (options: ServeMcpOptions): Promise<void> {
  // stdout belongs to the protocol: a stray console.log from any library would corrupt it
  console.log = console.info = console.debug = console.error
  const embedded = options.embedded === true || options.dataDir !== undefined || options.config !== undefined
  if (!embedded) {
    // with several relays, the session is bridged to the first that answers (an MCP session is not moved mid-way)
    for (const url of apiList(options.api)) {
      if (await relayAnswers(url)) {
        await bridgeStdioToRelay({ url, key: options.key })
        process.exit(0)
      }
    }
    if (options.apiGiven) throw new UnreachableError(`no relay answered at ${options.api} (start one with \`ipfs-kit start\`, or run an embedded node with --embedded)`)
  }
  const dataDir = options.dataDir ?? process.env.IPFS_KIT_DATA_DIR ?? join(homedir(), '.ipfs-kit')
  process.stderr.write(embedded
    ? `ipfs-kit mcp: embedded node in ${dataDir}\n`
    : `ipfs-kit mcp: no relay answered at ${options.api}; running an embedded node in ${dataDir}. It is isolated: it holds only what is added through it (start a relay with \`ipfs-kit start\` to share one node).\n`)
  await serveMcpStdio({ dataDir, config: options.config })
}
