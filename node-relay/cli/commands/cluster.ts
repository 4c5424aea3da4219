import { Command, InvalidArgumentError } from 'commander'
import { z } from 'zod'
import { contextOf, printResult } from '../context.ts'
import { keyValue, nonNegativeInt } from '../options.ts'

const peerStatusSchema = z.looseObject({ state: z.string(), error: z.string().optional(), at: z.number().optional() })
const cidStatusSchema = z.looseObject({
  cid: z.string(),
  name: z.string(),
  pin: z.looseObject({ replicationMin: z.number(), replicationMax: z.number(), allocations: z.array(z.string()) }).optional(),
  peers: z.record(z.string(), peerStatusSchema),
  health: z.string(),
  pinnedCount: z.number()
})
const peerSchema = z.looseObject({
  peerId: z.string(), kind: z.string(), freeSpace: z.number(), pinnedBytes: z.number(), tags: z.array(z.string()),
  live: z.boolean(), self: z.boolean(), silentMs: z.number()
})
const infoSchema = z.looseObject({ name: z.string(), peerId: z.string(), writer: z.boolean(), peers: z.number(), livePeers: z.number(), pins: z.number(), unhealthyPins: z.number() })

type CidStatusJson = z.infer<typeof cidStatusSchema>

function short (peerId: string): string {
  return peerId.length > 16 ? `…${peerId.slice(-8)}` : peerId
}

function statusLines (status: CidStatusJson): string[] {
  const head = `${status.cid}  ${status.health}  ${status.pinnedCount}/${status.pin?.replicationMin ?? 0} pinned${status.name === '' ? '' : `  ${status.name}`}`
  const rows = Object.entries(status.peers)
    .filter(([, s]) => s.state !== 'remote')
    .map(([peer, s]) => `  ${short(peer)}  ${s.state}${s.error === undefined ? '' : `  ${s.error}`}`)
  return [head, ...rows]
}

function replication (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || (n < 1 && n !== -1)) throw new InvalidArgumentError('expected an integer ≥ 1 (or -1 for every peer)')
  return n
}

function collect (value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

function statusCommand (): Command {
  return new Command('status')
    .description('status of one CID across the cluster, or of every pin')
    .argument('[cid]', 'a pinned CID')
    .action(async (cid: string | undefined, _flags: object, command: Command) => {
      const context = contextOf(command)
      if (cid !== undefined) {
        const status = await context.client.json(`/api/v1/cluster/pins/${encodeURIComponent(cid)}`, cidStatusSchema)
        printResult(context, status, () => statusLines(status))
        return
      }
      const info = await context.client.json('/api/v1/cluster', infoSchema)
      const list = await context.client.json('/api/v1/cluster/pins', z.looseObject({ pins: z.array(cidStatusSchema) }))
      printResult(context, { ...info, status: list.pins }, () => [
        `cluster ${info.name}: ${info.livePeers}/${info.peers} peers live, ${info.pins} pins, ${info.unhealthyPins} not ok${info.writer ? '' : ' (read-only here)'}`,
        ...list.pins.flatMap(statusLines)
      ])
    })
}

function peersCommand (): Command {
  return new Command('peers')
    .description('cluster peers and their metrics')
    .action(async (_flags: object, command: Command) => {
      const context = contextOf(command)
      const result = await context.client.json('/api/v1/cluster/peers', z.looseObject({ peers: z.array(peerSchema) }))
      printResult(context, result, () => result.peers.map(p =>
        `${p.peerId}  ${p.kind}  ${p.live ? 'live' : `silent ${Math.round(p.silentMs / 1000)}s`}  free ${p.freeSpace}  pinned ${p.pinnedBytes}${p.tags.length > 0 ? `  [${p.tags.join(', ')}]` : ''}${p.self ? '  (this relay)' : ''}`))
    })
}

function pinCommand (): Command {
  return new Command('pin')
    .description('pin a CID in the cluster (allocated to peers, each fetches and pins it)')
    .argument('<cid>', 'CID to pin')
    .option('--name <name>', 'a name for the pin')
    .option('--min <n>', 'replication factor min', replication)
    .option('--max <n>', 'replication factor max (-1 = every peer)', replication)
    .option('--allocate <peerId>', 'a peer that must hold it (repeatable)', collect)
    .option('--tag <tag>', 'a tag the allocator matches against peer tags (repeatable)', collect)
    .option('--expire-in <seconds>', 'remove the pin after this many seconds', nonNegativeInt)
    .option('--meta <key=value>', 'metadata to record (repeatable)', keyValue)
    .action(async (cid: string, flags: { name?: string, min?: number, max?: number, allocate?: string[], tag?: string[], expireIn?: number, meta?: Record<string, string> }, command: Command) => {
      const context = contextOf(command)
      const status = await context.client.json('/api/v1/cluster/pins', cidStatusSchema, {
        method: 'POST',
        body: {
          json: {
            cid, name: flags.name, replicationMin: flags.min, replicationMax: flags.max, allocations: flags.allocate, tags: flags.tag,
            expireAt: flags.expireIn === undefined ? undefined : Date.now() + flags.expireIn * 1000, metadata: flags.meta
          }
        }
      })
      printResult(context, status, () => [`pinned in the cluster, allocated to ${status.pin?.allocations.length ?? 0} peer(s)`, ...statusLines(status)])
    })
}

function unpinCommand (): Command {
  return new Command('unpin')
    .description('remove a pin from the cluster (every peer unpins it)')
    .argument('<cid>', 'pinned CID')
    .action(async (cid: string, _flags: object, command: Command) => {
      const context = contextOf(command)
      await context.client.request(`/api/v1/cluster/pins/${encodeURIComponent(cid)}`, { method: 'DELETE' })
      printResult(context, { cid, removed: true }, () => [`unpinned ${cid} from the cluster`])
    })
}

function recoverCommand (): Command {
  return new Command('recover')
    .description('retry a pin in error and move allocations off silent or failing peers')
    .argument('<cid>', 'pinned CID')
    .action(async (cid: string, _flags: object, command: Command) => {
      const context = contextOf(command)
      const status = await context.client.json(`/api/v1/cluster/pins/${encodeURIComponent(cid)}/recover`, cidStatusSchema, { method: 'POST' })
      printResult(context, status, () => statusLines(status))
    })
}

/** `ipfs-kit cluster status|peers|pin|unpin|recover`. */
export function clusterCommand (): Command {
  return new Command('cluster')
    .description('the replicated pinset: peers, pins with replication factors, status per peer')
    .addCommand(statusCommand())
    .addCommand(peersCommand())
    .addCommand(pinCommand())
    .addCommand(unpinCommand())
    .addCommand(recoverCommand())
}
