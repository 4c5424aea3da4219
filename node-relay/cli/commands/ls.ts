import { Command } from 'commander'
import { z } from 'zod'
import { contextOf, printResult } from '../context.ts'
import { parseTarget, targetUrl } from '../target.ts'

/** The relay's answer to `GET /api/v1/ls/:cid`. */
export const lsResultSchema = z.looseObject({
  entries: z.array(z.looseObject({ name: z.string(), path: z.string(), cid: z.string(), type: z.string(), size: z.number() }))
})

/** `ipfs-kit ls <cid[/path]>`: list a directory, one entry a line (CID, size, name; directories end in `/`). */
export function lsCommand (): Command {
  return new Command('ls')
    .description('list a directory')
    .argument('<cid[/path]>', 'CID of a directory, optionally followed by a path')
    .action(async (input: string, _flags: object, command: Command) => {
      const context = contextOf(command)
      const result = await context.client.json(targetUrl('/api/v1/ls', parseTarget(input)), lsResultSchema)
      const width = Math.max(0, ...result.entries.map(e => String(e.size).length))
      printResult(context, result, () => result.entries.map(e => {
        const size = e.type === 'directory' ? '-'.padStart(width) : String(e.size).padStart(width)
        return `${e.cid}  ${size}  ${e.name}${e.type === 'directory' ? '/' : ''}`
      }))
    })
}
