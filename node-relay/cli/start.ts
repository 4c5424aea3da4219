import { loadConfig } from '../config/load.ts'
import { startRelay } from '../relay.ts'
import { exitCodeFor, reportError } from './exit.ts'
import type { Relay } from '../relay.ts'
import type { RelayConfig } from '../config/schema.ts'
import type { ConfigSources } from '../config/load.ts'

/** Flags of `ipfs-kit start`, as commander parses them. */
export interface StartFlags {
  config?: string
  dataDir?: string
  host?: string
  port?: string
  listen?: string
  logLevel?: string
  logFormat?: string
  insecure?: boolean
  offline?: boolean
}

/** Map CLI flags onto config paths (only those given). */
export function flagsToConfig (flags: StartFlags): NonNullable<ConfigSources['flags']> {
  const out: NonNullable<ConfigSources['flags']> = {}
  if (flags.dataDir !== undefined) out.dataDir = flags.dataDir
  if (flags.host !== undefined) out['http.host'] = flags.host
  if (flags.port !== undefined) out['http.port'] = Number(flags.port)
  if (flags.listen !== undefined) out['libp2p.listen'] = flags.listen.split(',').map(s => s.trim())
  if (flags.logLevel !== undefined) out.logLevel = flags.logLevel
  if (flags.logFormat !== undefined) out.logFormat = flags.logFormat
  if (flags.insecure === true) out['auth.insecure'] = true
  if (flags.offline === true) out['network.offline'] = true
  return out
}

/** A start failure as a person reads it: a taken port names the port and the setting to change. */
export function explainStartFailure (err: unknown): unknown {
  const code = err instanceof Error && 'code' in err ? String(err.code) : undefined
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    const address = err instanceof Error && 'address' in err && 'port' in err ? `${String(err.address)}:${String(err.port)}` : 'the address'
    return Object.assign(new Error(`cannot listen on ${address}: ${code === 'EADDRINUSE' ? 'another process uses it' : 'permission denied'} (change --port, --listen or the config)`), { code })
  }
  return err
}

/**
 * `ipfs-kit start`: run the relay until SIGINT/SIGTERM, then drain in-flight requests and stop cleanly. A second
 * SIGINT exits at once; a repeated SIGTERM does not cut the drain.
 */
export async function runStart (flags: StartFlags): Promise<void> {
  let relay: Relay
  let config: RelayConfig
  try {
    config = await loadConfig({ file: flags.config, env: process.env, flags: flagsToConfig(flags) })
    relay = await startRelay(config)
  } catch (err) {
    // startRelay has released what it took (repo lock, ports, stores): say why and exit now, never linger
    reportError(explainStartFailure(err), false)
    process.exit(exitCodeFor(err))
  }
  const id = relay.service.id()
  process.stderr.write([
    `ipfs-kit relay ready`,
    `  http     ${relay.url}  (API docs: ${relay.url}/docs)`,
    `  peer id  ${id.peerId}`,
    ...id.addresses.map(a => `  libp2p   ${a}`),
    `  data     ${config.dataDir}`,
    ''
  ].join('\n'))
  let stopping = false
  let repeated = false
  const stop = (signal: string): void => {
    if (stopping) {
      // a second Ctrl-C is a person who will not wait; a repeated SIGTERM is a supervisor (podman delivers `podman
      // kill --signal TERM` twice to a container's first process): the drain goes on, bounded by http.drainTimeoutMs
      if (signal === 'SIGINT') {
        process.stderr.write('SIGINT again: exiting now\n')
        process.exit(130)
      }
      if (!repeated) process.stderr.write(`${signal} again: still draining (SIGINT or SIGKILL exits now)\n`)
      repeated = true
      return
    }
    stopping = true
    process.stderr.write(`${signal}: draining requests and stopping…\n`)
    relay.stop().then(() => { process.exit(0) }, (err: unknown) => {
      process.stderr.write(`error while stopping: ${String(err)}\n`)
      process.exit(1)
    })
  }
  process.on('SIGINT', () => { stop('SIGINT') })
  process.on('SIGTERM', () => { stop('SIGTERM') })
}
