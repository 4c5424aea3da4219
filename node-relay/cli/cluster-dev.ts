/**
 * `npm run cluster`: three relays on this machine that form one cluster, ready for browsers.
 *
 * HTTP on 8998, 8999 and 9000; libp2p WebSocket/TCP on 9998/9997, 9996/9995 and 9994/9993; data under
 * `./.ipfs-kit-cluster/relay-{1,2,3}`. The cluster secret comes from `IPFS_KIT_CLUSTER_SECRET` or is generated once
 * and kept in `./.ipfs-kit-cluster/secret`. Relays 2 and 3 bootstrap from relay 1; after that every member dials the
 * others it learns of, so any one can go away. Ctrl-C stops all three.
 *
 * Failover: each relay allows the others' origins (`http.allowedOrigins`), so the app served by one keeps calling
 * the API of whichever relay it failed over to. The banner prints the relays list for the CLI (`--api a,b,c`,
 * `IPFS_KIT_API`) and the app (`?relays=`); see docs/CLUSTER.md "Failover between relays".
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { loadConfig } from '../config/load.ts'
import { startRelay } from '../relay.ts'
import type { Relay } from '../relay.ts'

const ROOT = resolve(process.env.IPFS_KIT_CLUSTER_DIR ?? '.ipfs-kit-cluster')
const MEMBERS = [
  { http: 8998, ws: 9998, tcp: 9997 },
  { http: 8999, ws: 9996, tcp: 9995 },
  { http: 9000, ws: 9994, tcp: 9993 }
]

async function clusterSecret (): Promise<string> {
  const fromEnv = process.env.IPFS_KIT_CLUSTER_SECRET
  if (fromEnv !== undefined && fromEnv.length >= 16) return fromEnv
  const file = join(ROOT, 'secret')
  try {
    return (await readFile(file, 'utf8')).trim()
  } catch {
    const secret = randomBytes(24).toString('base64url')
    await writeFile(file, secret + '\n', { mode: 0o600 })
    return secret
  }
}

async function main (): Promise<void> {
  await mkdir(ROOT, { recursive: true })
  const secret = await clusterSecret()
  const relays: Relay[] = []
  let bootstrap: string[] = []
  for (const [i, member] of MEMBERS.entries()) {
    const config = await loadConfig({
      env: process.env,
      flags: {
        dataDir: join(ROOT, `relay-${i + 1}`),
        'http.port': member.http,
        'libp2p.listen': [`/ip4/127.0.0.1/tcp/${member.ws}/ws`, `/ip4/127.0.0.1/tcp/${member.tcp}`],
        'libp2p.bootstrap': bootstrap,
        'cluster.name': process.env.IPFS_KIT_CLUSTER_NAME ?? 'ipfs-kit-dev',
        'cluster.secret': secret,
        'cluster.replicationMin': 2,
        'cluster.replicationMax': 3,
        // the app served by any member may fail over to another and call its API from its own origin
        'http.allowedOrigins': MEMBERS.filter(m => m !== member).flatMap(m => [`http://127.0.0.1:${m.http}`, `http://localhost:${m.http}`]),
        logLevel: 'warn'
      }
    })
    const relay = await startRelay(config)
    relays.push(relay)
    if (i === 0) bootstrap = relay.node.libp2p.getMultiaddrs().map(String).filter(a => a.includes(`/tcp/${member.tcp}/`))
    process.stdout.write(`relay ${i + 1}: ${relay.url}  peer ${relay.node.libp2p.peerId.toString()}\n`)
  }
  const urls = relays.map(r => r.url).join(',')
  process.stdout.write(`cluster "${relays[0]?.cluster?.name ?? ''}" of ${relays.length} relays is up (data in ${ROOT}). Try: ipfs-kit --api http://127.0.0.1:8998 cluster peers\n` +
    'failover (any relay may stop; the others hold every pin):\n' +
    `  CLI:     export IPFS_KIT_API=${urls}   (or --api ${urls})\n` +
    `  browser: ${relays[0]?.url ?? ''}/?relays=${urls}\n`)
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    process.stdout.write('stopping…\n')
    await Promise.allSettled(relays.map(async r => r.stop()))
    process.exit(0)
  }
  process.on('SIGINT', () => { void stop() })
  process.on('SIGTERM', () => { void stop() })
}

main().catch((err: unknown) => {
  process.stderr.write(`npm run cluster: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
