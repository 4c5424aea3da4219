import { stat } from 'node:fs/promises'
import { Command } from 'commander'
import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { uploadStream } from '../client.ts'
import { contextOf, printResult } from '../context.ts'
import { copyBody, saveBody } from '../download.ts'
import { readFileChunks } from '../multipart.ts'
import { formatBytes, ProgressBar, progressWanted } from '../progress.ts'

const carImportSchema = z.looseObject({
  roots: z.array(z.string()),
  blocks: z.number(),
  newBlocks: z.number(),
  bytes: z.number()
})

function carExportCommand (): Command {
  return new Command('export')
    .description('export a DAG as a CARv1 (to stdout unless -o)')
    .argument('<cid>', 'root CID')
    .option('-o, --output <file>', 'write the CAR to this file')
    .action(async (cid: string, flags: { output?: string }, command: Command) => {
      const context = contextOf(command)
      const response = await context.client.request(`/api/v1/car/${encodeURIComponent(cid)}`)
      if (flags.output === undefined) {
        await copyBody(response, process.stdout)
        return
      }
      const bytes = await saveBody(response, flags.output)
      printResult(context, { cid, path: flags.output, bytes }, () => [`exported ${cid} to ${flags.output ?? ''} (${formatBytes(bytes)})`])
    })
}

function carImportCommand (): Command {
  return new Command('import')
    .description('import a CAR file (streamed; every block verified); its roots are pinned unless --no-pin')
    .argument('<file>', 'CAR file')
    .option('--no-pin', 'do not pin the roots')
    .option('--name <name>', 'name recorded on the roots\' pins')
    .option('-q, --quiet', 'no progress bar', false)
    .action(async (file: string, flags: { pin: boolean, name?: string, quiet: boolean }, command: Command) => {
      const context = contextOf(command)
      const info = await stat(file).catch((err: unknown) => {
        throw new InvalidInputError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
      })
      if (!info.isFile()) throw new InvalidInputError(`${file} is not a file`)
      const bar = progressWanted({ isTTY: process.stderr.isTTY, json: context.json, quiet: flags.quiet })
        ? new ProgressBar({ total: info.size, output: process.stderr })
        : undefined
      try {
        const result = await context.client.json('/api/v1/car', carImportSchema, {
          method: 'POST',
          query: { pin: flags.pin, name: flags.name },
          body: { stream: uploadStream(readFileChunks(file, { onBytes: n => bar?.add(n) })), contentType: 'application/vnd.ipld.car' }
        })
        bar?.finish()
        printResult(context, result, () => [
          `imported ${result.blocks} blocks (${result.newBlocks} new, ${formatBytes(result.bytes)})`,
          ...result.roots.map(root => `root ${root}`)
        ])
      } catch (err) {
        bar?.finish()
        throw err
      }
    })
}

/** `ipfs-kit car export|import`. */
export function carCommand (): Command {
  return new Command('car')
    .description('move DAGs in and out as CAR files')
    .addCommand(carExportCommand())
    .addCommand(carImportCommand())
}
