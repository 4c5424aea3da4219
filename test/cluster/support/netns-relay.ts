/**
 * A relay process inside a network namespace: `ip netns exec <ns> <node 22> node-relay/cli/main.ts start --config
 * <file>`, libp2p on the member's cluster-network address, HTTP on its control-link address.
 */
import { spawn } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'
import type { NetnsMember } from './netns.ts'

const MAIN = fileURLToPath(new URL('../../../node-relay/cli/main.ts', import.meta.url))

/** A relay started by `spawnNetnsRelay`. */
export interface NetnsRelay {
  member: NetnsMember
  /** HTTP API base, on the control link. */
  url: string
  peerId: string
  /** The TCP multiaddr (with /p2p/) other members bootstrap from. */
  addr: string
  proc: ChildProcess
  /** Everything the process wrote on stderr so far (for failure messages). */
  output: () => string
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
  stop: () => Promise<void>
}

/** Cluster settings written into each relay's config (`cluster` section). */
export type ClusterSettings = Record<string, string | number | boolean | string[]>

/** Write the config under `dir` and start the relay in `member`'s namespace; resolves once it prints its peer id. */
export async function spawnNetnsRelay (member: NetnsMember, dir: string, cluster: ClusterSettings, bootstrap: string[] = []): Promise<NetnsRelay> {
  await mkdir(dir, { recursive: true })
  const config = join(dir, 'config.json')
  await writeFile(config, JSON.stringify({
    dataDir: join(dir, 'data'),
    logLevel: 'warn',
    http: { host: member.controlIp, port: 8998, drainTimeoutMs: 1000 },
    // a test network of its own, reached by the test only: no API keys needed
    auth: { insecure: true },
    libp2p: { listen: [`/ip4/${member.clusterIp}/tcp/4001`], bootstrap },
    network: { fetchTimeoutMs: 3000 },
    search: { enabled: false },
    cluster
  }, null, 2))
  const proc = spawn('ip', ['netns', 'exec', member.ns, process.execPath, MAIN, 'start', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  let text = ''
  proc.stderr?.setEncoding('utf8')
  proc.stderr?.on('data', (chunk: string) => { text = (text + chunk).slice(-20_000) })
  const exited = new Promise<void>(resolve => { proc.once('exit', () => { resolve() }) })
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return
    proc.kill('SIGTERM')
    const timer = setTimeout(() => { proc.kill('SIGKILL') }, 5000)
    await exited
    clearTimeout(timer)
  }
  const ready = await new Promise<{ peerId: string, addr: string }>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`relay in ${member.ns} not ready after 60 s:\n${text}`)) }, 60_000)
    const check = (): void => {
      const peerId = /peer id\s+(\S+)/.exec(text)?.[1]
      const addr = new RegExp(`libp2p\\s+(/ip4/${member.clusterIp.replaceAll('.', '\\.')}/tcp/4001/p2p/\\S+)`).exec(text)?.[1]
      if (peerId !== undefined && addr !== undefined) {
        clearTimeout(timer)
        resolve({ peerId, addr })
      }
    }
    proc.stderr?.on('data', check)
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`relay in ${member.ns} exited before it was ready:\n${text}`))
    })
  })
  return { member, url: `http://${member.controlIp}:8998`, ...ready, proc, output: () => text, stop }
}
