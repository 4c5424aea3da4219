import { Command } from 'commander'
import { z } from 'zod'
import { contextOf, printResult } from '../context.ts'
import { parseTarget, targetUrl } from '../target.ts'
import { formatBytes } from '../progress.ts'

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
    .option('-v, --headers', 'print a header row (as `ipfs ls -v`)')
    .option('-s, --human', 'sizes as KiB, MiB, GiB')
    .action(async (input: string, flags: { headers?: boolean, human?: boolean }, command: Command) => {
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
      const sizeOf = (bytes: number): string => flags.human === true ? formatBytes(bytes) : String(bytes)
      const width = Math.max(flags.headers === true ? 4 : 0, ...result.entries.map(e => sizeOf(e.size).length))
      const cidWidth = Math.max(3, ...result.entries.map(e => e.cid.length))
      printResult(context, result, () => [
        ...(flags.headers === true ? [`${'CID'.padEnd(cidWidth)}  ${'Size'.padStart(width)}  Name`] : []),
        ...result.entries.map(e => {
          const size = e.type === 'directory' ? '-'.padStart(width) : sizeOf(e.size).padStart(width)
          return `${e.cid.padEnd(cidWidth)}  ${size}  ${e.name}${e.type === 'directory' ? '/' : ''}`
        })
      ])
    })
}
