import { Command } from 'commander'
import { z } from 'zod'
import { contextOf, printResult } from '../context.ts'
import { copyBody, saveBody } from '../download.ts'
import { EXIT } from '../exit.ts'
import { formatBytes } from '../progress.ts'

const errorSchema = z.looseObject({ code: z.string(), message: z.string() })

const backendSchema = z.looseObject({
  name: z.string(),
  kind: z.string(),
  layout: z.string(),
  capabilities: z.looseObject({ read: z.boolean(), write: z.boolean() }),
  cost: z.looseObject({ storageUsdPerGbMonth: z.number(), egressUsdPerGb: z.number(), latencyMs: z.number() }),
  status: z.looseObject({ healthy: z.boolean(), latencyMs: z.number(), error: errorSchema.optional() })
})

const placementSchema = z.looseObject({
  cid: z.string(),
  placements: z.array(z.looseObject({ backend: z.string(), ok: z.boolean(), locator: z.string().optional(), size: z.number().optional(), error: errorSchema.optional() }))
})

const referencesSchema = z.looseObject({
  cid: z.string(),
  references: z.array(z.looseObject({ backend: z.string(), locator: z.string(), size: z.number(), state: z.string(), verifiedAt: z.string().optional() }))
})

/** Comma-separated backend names (`--to s3,hf`). */
function names (value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map(s => s.trim()).filter(s => s !== '')]
}

/** `ipfs-kit backends`: every storage backend with its health. */
export function backendsCommand (): Command {
  return new Command('backends')
    .description('list storage backends with capabilities, cost and a fresh health probe')
    .action(async (_flags: object, command: Command) => {
      const context = contextOf(command)
      const result = await context.client.json('/api/v1/backends', z.looseObject({ backends: z.array(backendSchema) }))
      printResult(context, result, () => result.backends.map(b => [
        b.name.padEnd(12), b.kind.padEnd(12),
        b.status.healthy ? `healthy ${b.status.latencyMs} ms` : `DOWN ${b.status.error?.code ?? ''}`,
        b.capabilities.write ? 'read/write' : 'read-only',
        `$${b.cost.storageUsdPerGbMonth}/GB-month, $${b.cost.egressUsdPerGb}/GB egress`
      ].join('  ')))
      if (result.backends.some(b => !b.status.healthy)) process.exitCode = EXIT.internal
    })
}

function storagePutCommand (): Command {
  return new Command('put')
    .description('keep a DAG locally and place copies on backends (default: the placement policy); exits 1 if a placement failed')
    .argument('<cid>', 'root CID')
    .option('--to <names>', 'backends to place copies on, comma-separated (repeatable)', names)
    .action(async (cid: string, flags: { to?: string[] }, command: Command) => {
      const context = contextOf(command)
      const report = await context.client.json(`/api/v1/storage/${encodeURIComponent(cid)}`, placementSchema, {
        method: 'POST', body: { json: flags.to === undefined ? {} : { to: flags.to } }
      })
      printResult(context, report, () => report.placements.map(p => p.ok
        ? `placed ${report.cid} on ${p.backend}: ${p.locator ?? ''} (${formatBytes(p.size ?? 0)})`
        : `FAILED ${report.cid} on ${p.backend}: ${p.error?.code ?? ''} ${p.error?.message ?? ''}`))
      if (report.placements.some(p => !p.ok)) process.exitCode = EXIT.internal
    })
}

function storageGetCommand (): Command {
  return new Command('get')
    .description('read a DAG from the best (or a named) backend as a verified CAR (to stdout unless -o)')
    .argument('<cid>', 'root CID')
    .option('--from <name>', 'read only from this backend')
    .option('-o, --output <file>', 'write the CAR to this file')
    .action(async (cid: string, flags: { from?: string, output?: string }, command: Command) => {
      const context = contextOf(command)
      const response = await context.client.request(`/api/v1/storage/${encodeURIComponent(cid)}`, { query: { from: flags.from } })
      if (flags.output === undefined) {
        await copyBody(response, process.stdout)
        return
      }
      const bytes = await saveBody(response, flags.output)
      printResult(context, { cid, path: flags.output, bytes }, () => [`saved ${cid} to ${flags.output ?? ''} (${formatBytes(bytes)})`])
    })
}

function storageRefsCommand (): Command {
  return new Command('refs')
    .description('where the copies of a DAG live (backend, locator, state, last verified)')
    .argument('<cid>', 'root CID')
    .action(async (cid: string, _flags: object, command: Command) => {
      const context = contextOf(command)
      const result = await context.client.json(`/api/v1/storage/${encodeURIComponent(cid)}/references`, referencesSchema)
      printResult(context, result, () => result.references.map(r => `${r.backend.padEnd(12)}  ${r.state.padEnd(7)}  ${r.locator}  ${formatBytes(r.size)}  verified ${r.verifiedAt ?? 'never'}`))
    })
}

/** `ipfs-kit storage put|get|refs`. */
export function storageCommand (): Command {
  return new Command('storage')
    .description('place content on storage backends and read it back verified')
    .addCommand(storagePutCommand())
    .addCommand(storageGetCommand())
    .addCommand(storageRefsCommand())
}
