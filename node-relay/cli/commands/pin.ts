import { Command } from 'commander'
import { z } from 'zod'
import { contextOf, printResult } from '../context.ts'
import { keyValue } from '../options.ts'

/** One pin as the relay shows it (`depth` -1 is recursive). */
export const pinSchema = z.looseObject({
  cid: z.string(),
  name: z.string(),
  depth: z.number(),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional()
})

type PinJson = z.infer<typeof pinSchema>

const pinListSchema = z.looseObject({ pins: z.array(pinSchema) })

function pinLine (pin: PinJson): string {
  return [pin.cid, pin.depth === -1 ? 'recursive' : 'direct', pin.name].filter(s => s !== '').join('  ')
}

function pinAddCommand (): Command {
  return new Command('add')
    .description('pin a CID (fetching missing blocks from peers)')
    .argument('<cid>', 'CID to pin')
    .option('--name <name>', 'a name for the pin')
    .option('--meta <key=value>', 'metadata to record (repeatable)', keyValue)
    .action(async (cid: string, flags: { name?: string, meta?: Record<string, string> }, command: Command) => {
      const context = contextOf(command)
      const pin = await context.client.json('/api/v1/pins', pinSchema, {
        method: 'POST',
        body: { json: { cid, name: flags.name, metadata: flags.meta } }
      })
      printResult(context, pin, () => [`pinned ${pinLine(pin)}`])
    })
}

function pinRmCommand (): Command {
  return new Command('rm')
    .description('remove a pin (its blocks may then be garbage-collected)')
    .argument('<cid>', 'pinned CID')
    .action(async (cid: string, _flags: object, command: Command) => {
      const context = contextOf(command)
      await context.client.request(`/api/v1/pins/${encodeURIComponent(cid)}`, { method: 'DELETE' })
      printResult(context, { cid, removed: true }, () => [`unpinned ${cid}`])
    })
}

function pinLsCommand (): Command {
  return new Command('ls')
    .description('list pins')
    .option('--cid <cid>', 'only the pin of this CID')
    .action(async (flags: { cid?: string }, command: Command) => {
      const context = contextOf(command)
      const result = await context.client.json('/api/v1/pins', pinListSchema, { query: { cid: flags.cid } })
      printResult(context, result, () => result.pins.map(pinLine))
    })
}

/** `ipfs-kit pin add|rm|ls`. */
export function pinCommand (): Command {
  return new Command('pin')
    .description('manage pins: what the relay keeps')
    .addCommand(pinAddCommand())
    .addCommand(pinRmCommand())
    .addCommand(pinLsCommand())
}
