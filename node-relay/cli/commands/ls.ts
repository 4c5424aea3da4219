import { Command } from 'commander'
import { z } from 'zod'
import { contextOf, printResult } from '../context.ts'
import { parseTarget, targetUrl } from '../target.ts'

/** The relay's answer to `GET /api/v1/ls/:cid`. */
export const lsResultSchema = z.looseObject({
  entries: z.array(z.looseObject({ name: z.string(), path: z.string(), cid: z.string(), type: z.string(), size: z.number() }))
})

const statSchema = z.looseObject({ cid: z.string(), type: z.string(), size: z.number() })

/** `ipfs-kit ls <cid[/path]>`: list a directory, one entry a line (CID, size, name; directories end in `/`). */
export function lsCommand (): Command {
  return new Command('ls')
    .description('list a directory')
    .argument('<cid[/path]>', 'CID of a directory, optionally followed by a path')
    .action(async (input: string, _flags: object, command: Command) => {
      const context = contextOf(command)
      const target = parseTarget(input)
      // a file lists as itself (as `ls file` does), not as an error
      const stat = await context.client.json(targetUrl('/api/v1/stat', target), statSchema)
      if (stat.type !== 'directory') {
        const name = input.split('/').filter(s => s !== '').at(-1) ?? stat.cid
        const entry = { name: name === stat.cid ? '' : name, path: input, cid: stat.cid, type: stat.type, size: stat.size }
        printResult(context, { entries: [entry] }, () => [`${stat.cid}  ${stat.size}${entry.name === '' ? '' : `  ${entry.name}`}`])
        return
      }
      const result = await context.client.json(targetUrl('/api/v1/ls', target), lsResultSchema)
      const width = Math.max(0, ...result.entries.map(e => String(e.size).length))
      printResult(context, result, () => result.entries.map(e => {
        const size = e.type === 'directory' ? '-'.padStart(width) : String(e.size).padStart(width)
        return `${e.cid}  ${size}  ${e.name}${e.type === 'directory' ? '/' : ''}`
      }))
    })
}
