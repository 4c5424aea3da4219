import { Command } from 'commander'
import { z } from 'zod'
import { uploadStream } from '../client.ts'
import { contextOf, printResult, warn } from '../context.ts'
import { collectUploadFiles } from '../local-files.ts'
import { createBoundary, multipartBody, readFileChunks } from '../multipart.ts'
import { nonNegativeInt } from '../options.ts'
import { ProgressBar, progressWanted } from '../progress.ts'
import type { ApiRequest } from '../client.ts'

/** Options of `ipfs-kit add`, as commander parses them. */
interface AddFlags {
  name?: string
  pin: boolean
  wrap: boolean
  chunkSize?: number
  quiet: boolean
}

/** The relay's answer to `POST /api/v1/add`. */
export const addResultSchema = z.looseObject({
  cid: z.string(),
  size: z.number(),
  name: z.string().optional(),
  entries: z.array(z.looseObject({ cid: z.string(), path: z.string(), size: z.number() })).optional()
})

/** `ipfs-kit add <path>`: stream a file or a directory tree to the relay and print the root CID. */
export function addCommand (): Command {
  return new Command('add')
    .description('add a file or a directory (recursively) and print its CID')
    .argument('<path>', 'file or directory to add')
    .option('--name <name>', 'name recorded on the pin')
    .option('--no-pin', 'do not pin what is added')
    .option('--no-wrap', 'do not wrap in a directory (a single file is added as itself and its own CID printed)')
    .option('--chunk-size <bytes>', 'fixed chunk size in bytes (1024 to 2097152)', nonNegativeInt)
    .option('-q, --quiet', 'no progress bar', false)
    .action(async (path: string, flags: AddFlags, command: Command) => {
      const context = contextOf(command)
      const source = await collectUploadFiles(path)
      if (!context.json) for (const skipped of source.skipped) warn(`skipping ${skipped} (not a regular file or directory)`)
      const bar = progressWanted({ isTTY: process.stderr.isTTY, json: context.json, quiet: flags.quiet })
        ? new ProgressBar({ total: source.totalBytes, output: process.stderr })
        : undefined
      const onBytes = (bytes: number): void => { bar?.add(bytes) }
      const single = source.kind === 'file' && !flags.wrap ? source.files[0] : undefined
      let body: ApiRequest['body']
      if (single !== undefined) {
        body = { stream: uploadStream(readFileChunks(single.localPath, { onBytes })), contentType: 'application/octet-stream' }
      } else {
        const boundary = createBoundary()
        body = { stream: uploadStream(multipartBody(source.files, boundary, { onBytes })), contentType: `multipart/form-data; boundary=${boundary}` }
      }
      try {
        const result = await context.client.json('/api/v1/add', addResultSchema, {
          method: 'POST',
          query: { pin: flags.pin, name: flags.name, chunkSize: flags.chunkSize, wrap: single === undefined ? flags.wrap : undefined },
          body
        })
        bar?.finish()
        printResult(context, result, () => [result.cid])
      } catch (err) {
        bar?.finish()
        throw err
      }
    })
}
