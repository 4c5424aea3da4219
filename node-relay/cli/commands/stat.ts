import { Command } from 'commander'
import { z } from 'zod'
import { contextOf, printResult } from '../context.ts'
import { parseTarget, targetUrl } from '../target.ts'

/** The relay's answer to `GET /api/v1/stat/:cid`. */
export const statResultSchema = z.looseObject({
  cid: z.string(),
  type: z.string(),
  size: z.number(),
  blocks: z.number().optional(),
  dagSize: z.number().optional(),
  local: z.boolean().optional(),
  mode: z.number().optional()
})

/** `ipfs-kit stat <cid[/path]> [--dag-size]`: type and size of a node, and with `--dag-size` its blocks. */
export function statCommand (): Command {
  return new Command('stat')
    .description('show the type and size of a file, directory or block')
    .argument('<cid[/path]>', 'a CID, optionally followed by a path')
    .option('--dag-size', 'walk the DAG to count its blocks and bytes', false)
    .action(async (input: string, flags: { dagSize: boolean }, command: Command) => {
      const context = contextOf(command)
      const stat = await context.client.json(targetUrl('/api/v1/stat', parseTarget(input)), statResultSchema, {
        query: { dagSize: flags.dagSize ? true : undefined }
      })
      printResult(context, stat, () => [
        `cid       ${stat.cid}`,
        `type      ${stat.type}`,
        `size      ${stat.size}`,
        ...stat.blocks === undefined ? [] : [`blocks    ${stat.blocks}`],
        ...stat.dagSize === undefined ? [] : [`dag size  ${stat.dagSize}`],
        ...stat.local === undefined ? [] : [`local     ${stat.local ? 'yes' : 'no (some blocks are missing)'}`],
        ...stat.mode === undefined ? [] : [`mode      ${stat.mode.toString(8).padStart(4, '0')}`]
      ])
    })
}
