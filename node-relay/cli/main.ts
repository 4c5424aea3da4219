#!/usr/bin/env node
/**
 * @packageDocumentation
 *
 * The `ipfs-kit` command line. `ipfs-kit start` runs a relay; every other command talks to a running relay over
 * its HTTP API (`--api`, default http://127.0.0.1:8998 or $IPFS_KIT_API; several relays of one cluster, comma-separated,
 * for failover).
 */
import { Command } from 'commander'
import { EXIT, exitCodeFor, reportError } from './exit.ts'
import { registerClientCommands } from './commands.ts'
import { packageVersion } from '../package-root.ts'
import type { StartFlags } from './start.ts'

const program = new Command()
program
  .name('ipfs-kit')
  .description('A browser-first IPFS node and storage cluster: relay, gateway and client')
  .version(`ipfs-kit ${packageVersion()}`, '--version', 'print the version')
  .option('--api <urls>', 'relay HTTP API to talk to; several relays of one cluster, comma-separated, to fail over between (also $IPFS_KIT_API)', process.env.IPFS_KIT_API ?? 'http://127.0.0.1:8998')
  .option('--json', 'print machine-readable JSON', false)
  .option('--key <key>', 'API key for a relay that requires one (default $IPFS_KIT_API_KEY)', process.env.IPFS_KIT_API_KEY)
  .showHelpAfterError()
  .exitOverride(err => {
    // usage errors (unknown command, missing argument) are bad input: exit 2, as the other bad-input errors do
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(0)
    process.exit(EXIT.invalid)
  })

program.command('start')
  .description('run the relay (libp2p + Helia peer, HTTP API, gateway) on embedded defaults')
  .option('-c, --config <file>', 'JSON config file (also $IPFS_KIT_CONFIG)')
  .option('-d, --data-dir <dir>', 'data directory (default ./.ipfs-kit)')
  .option('--host <host>', 'HTTP listen address (default 127.0.0.1)')
  .option('-p, --port <port>', 'HTTP port (default 8998)')
  .option('--listen <multiaddrs>', 'comma-separated libp2p listen addresses')
  .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent')
  .option('--log-format <format>', 'pretty|json|auto (default auto: pretty on a terminal, JSON otherwise)')
  .option('--insecure', 'allow a non-loopback --host without API keys (anyone who reaches it may write)')
  .option('--offline', 'do not join the public IPFS network (no bootstrap, DHT, delegated routing or providing)')
  .action(async (flags: StartFlags) => {
    // loaded only for `start`: the relay's dependencies (libp2p, Helia) cost seconds that client commands don't need
    const { runStart } = await import('./start.ts')
    await runStart(flags)
  })

program.command('mcp')
  .description('serve MCP tools for LLM agents on stdio: the running relay\'s (at --api) when one answers, else an embedded node')
  .option('-d, --data-dir <dir>', 'embedded node: data directory (default $IPFS_KIT_DATA_DIR or ~/.ipfs-kit); implies --embedded')
  .option('-c, --config <file>', 'embedded node: JSON config file (also $IPFS_KIT_CONFIG)')
  .option('--embedded', 'always run an embedded node, even when a relay answers (tools may then read and write local files)')
  .action(async (flags: { dataDir?: string, config?: string, embedded?: boolean }, command: Command) => {
    const { api, key } = command.optsWithGlobals<{ api: string, key?: string }>()
    const apiGiven = program.getOptionValueSource('api') !== 'default'
    const { serveMcp } = await import('../mcp/serve.ts')
    await serveMcp({ ...flags, api, apiGiven, key })
  })

registerClientCommands(program)

program.parseAsync(process.argv).catch((err: unknown) => {
  reportError(err, program.opts<{ json: boolean }>().json)
  process.exitCode = exitCodeFor(err)
})
