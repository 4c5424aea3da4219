import { createReadStream, createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { z } from 'zod'
import { parseCid } from '../../../core/content/cid.ts'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { collectLimited, decodeBase64, encodeBase64 } from '../bytes.ts'
import { guarded, toolResult } from '../tool-result.ts'
import type { McpToolContext, ToolExtra } from '../context.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CID } from 'multiformats/cid'

/** Stream a CAR to a new file (never over an existing one); a failed export leaves no partial file. */
async function exportToFile (ctx: McpToolContext, cid: CID, path: string, signal: AbortSignal): Promise<number> {
  let bytes = 0
  const counted = async function * (): AsyncGenerator<Uint8Array> {
    for await (const chunk of ctx.service.exportCar(cid, { signal })) {
      bytes += chunk.byteLength
      yield chunk
    }
  }
  const out = createWriteStream(path, { flags: 'wx' })
  try {
    await pipeline(Readable.from(counted()), out, { signal })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new InvalidInputError(`${path} already exists; choose a new file name`, { cause: err })
    await rm(path, { force: true })
    throw err
  }
  return bytes
}

function tooLargeAdvice (ctx: McpToolContext, cid: CID): string {
  const where = ctx.localFiles
    ? 'pass `path` to write it to a local file'
    : ctx.httpUrl !== undefined ? `download it from ${ctx.httpUrl}/ipfs/${cid.toString()}?format=car` : 'use the relay\'s gateway (/ipfs/<cid>?format=car)'
  return `the CAR of ${cid.toString()} is larger than the ${ctx.maxInlineBytes}-byte inline limit; ${where}`
}

/** `car_export`, `car_import`: whole DAGs as CAR files. */
export function registerCarTools (server: McpServer, ctx: McpToolContext): void {
  const exportInput = z.object({
    cid: z.string().min(1).describe('root CID of the DAG to export'),
    path: z.string().min(1).optional().describe('write the CAR to this new local file instead of returning it (local server only)')
  })
  server.registerTool('car_export', {
    title: 'Export a DAG as a CAR',
    description: `Export the DAG under a CID as a CARv1 (every block verified). Returned as a base64 blob up to ${ctx.maxInlineBytes} bytes` +
      (ctx.localFiles ? '; with `path`, written to a new local file of any size.' : '; bigger CARs are refused with a download URL.'),
    inputSchema: ctx.localFiles ? exportInput : exportInput.omit({ path: true }) as unknown as typeof exportInput,
    outputSchema: z.object({
      cid: z.string().describe('the root exported'),
      bytes: z.number().describe('size of the CAR in bytes'),
      path: z.string().optional().describe('the file written, when `path` was given')
    }),
    annotations: { readOnlyHint: !ctx.localFiles, destructiveHint: false, idempotentHint: true, openWorldHint: true }
  }, guarded('car_export', async (args, extra: ToolExtra) => {
    const cid = parseCid(args.cid)
    if (args.path !== undefined) {
      if (!ctx.localFiles) throw new InvalidInputError('`path` is only accepted when the MCP server runs on this machine (stdio)')
      const bytes = await exportToFile(ctx, cid, args.path, extra.signal)
      return toolResult({ cid: cid.toString(), bytes, path: args.path })
    }
    const car = await collectLimited(ctx.service.exportCar(cid, { signal: extra.signal }), ctx.maxInlineBytes, () => tooLargeAdvice(ctx, cid), { signal: extra.signal })
    return toolResult({ cid: cid.toString(), bytes: car.byteLength }, [
      { type: 'resource', resource: { uri: `ipfs://${cid.toString()}`, mimeType: 'application/vnd.ipld.car', blob: encodeBase64(car) } }
    ])
  }, ctx.onUnexpectedError))

  const importInput = z.object({
    base64: z.string().optional().describe('the CAR file, base64-encoded'),
    path: z.string().min(1).optional().describe('a local CAR file to import (local server only)'),
    pin: z.boolean().optional().describe('pin the CAR\'s roots (default true)'),
    name: z.string().max(255).optional().describe('name recorded on the roots\' pins')
  })
  server.registerTool('car_import', {
    title: 'Import a CAR',
    description: 'Import a CAR: every block is verified against its CID before anything is kept (a bad CAR leaves nothing behind); its roots are pinned unless `pin` is false. Give `base64`' +
      (ctx.localFiles ? ' or a local `path`.' : '.'),
    inputSchema: ctx.localFiles ? importInput : importInput.omit({ path: true }) as unknown as typeof importInput,
    outputSchema: z.object({
      roots: z.array(z.string()).describe('the CAR\'s root CIDs'),
      blocks: z.number().describe('blocks in the CAR (all verified)'),
      newBlocks: z.number().describe('blocks that were not already stored'),
      bytes: z.number().describe('bytes of block data')
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false }
  }, guarded('car_import', async (args, extra: ToolExtra) => {
    if ((args.base64 === undefined) === (args.path === undefined)) throw new InvalidInputError(ctx.localFiles ? 'give exactly one of `base64` or `path`' : 'give the CAR as `base64`')
    if (args.path !== undefined && !ctx.localFiles) throw new InvalidInputError('`path` is only accepted when the MCP server runs on this machine (stdio)')
    const source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = args.path !== undefined
      ? createReadStream(args.path) as AsyncIterable<Buffer>
      : [decodeBase64(args.base64 ?? '', 'base64')]
    const result = await ctx.service.importCar(source, { pin: args.pin, name: args.name, signal: extra.signal })
    return toolResult({ ...result, roots: result.roots.map(String) })
  }, ctx.onUnexpectedError))
}
