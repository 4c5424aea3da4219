#!/usr/bin/env node
/**
 * @packageDocumentation
 *
 * Stand-alone entry of the stdio MCP server, the same as `ipfs-kit mcp`:
 * `node node-relay/mcp/stdio-main.ts [--data-dir dir] [--config file.json]`.
 */
import { parseArgs } from 'node:util'
import { serveMcpStdio } from './stdio.ts'

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', short: 'd' },
    config: { type: 'string', short: 'c' }
  }
})

serveMcpStdio({ dataDir: values['data-dir'], config: values.config }).catch((err: unknown) => {
  process.stderr.write(`ipfs-kit mcp: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
