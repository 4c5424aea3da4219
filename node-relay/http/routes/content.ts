import { InvalidInputError, InvalidRangeError, IpfsKitError, NotAFileError } from '../../../core/errors/index.ts'
import { errorSchema } from '../errors.ts'
import { UploadTree } from '../upload-tree.ts'
import { cidPathParamsSchema, nameSchema, targetOf, withOptionalPath } from '../params.ts'
import { parseRange } from '../range.ts'
import { primedStream } from '../stream.ts'
import type { HttpContext } from '../context.ts'
import type { CidPathParams } from '../params.ts'
import type { AddEntry, AddResult } from '../../../core/content/types.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'

interface AddQuery { pin?: boolean, name?: string, wrap?: boolean, chunkSize?: number, cidVersion?: 0 | 1, rawLeaves?: boolean }

const addResultSchema = {
  type: 'object',
  properties: {
    cid: { type: 'string' }, size: { type: 'number' }, name: { type: 'string' },
    entries: { type: 'array', items: { type: 'object', properties: { cid: { type: 'string' }, path: { type: 'string' }, size: { type: 'number' } } } }
  }
} as const

function asJson (result: AddResult): { cid: string, path: string, size: number } {
  return { cid: result.cid.toString(), path: result.path, size: result.size }
}

async function addMultipart (ctx: HttpContext, request: FastifyRequest<{ Querystring: AddQuery }>): Promise<object> {
  const query = request.query
  const chunker = query.chunkSize === undefined ? undefined : { type: 'fixed' as const, size: query.chunkSize }
  const parts = request.files({ preservePath: true, limits: { fileSize: ctx.config.http.maxUploadBytes, files: 100_000 } })
  const tree = new UploadTree()
  const entries = async function * (): AsyncGenerator<AddEntry> {
    for await (const part of malformedAsInvalid(parts)) {
      yield { path: tree.add(part.filename), content: malformedAsInvalid(part.file as Readable & AsyncIterable<Uint8Array>) }
    }
  }
  const results = await ctx.service.addAll(entries(), {
    pin: query.pin, name: query.name, chunker, cidVersion: query.cidVersion, rawLeaves: query.rawLeaves, wrapWithDirectory: query.wrap ?? true, unwrapSingle: query.wrap === undefined, fileImportConcurrency: 1, signal: abortSignalOf(request)
  })
  const root = results.at(-1)
  if (root === undefined || tree.size === 0) throw new InvalidInputError('the upload held no files (each file part needs a filename)')
  return { cid: root.cid.toString(), size: root.size, name: query.name ?? '', entries: results.map(asJson) }
}

/** Busboy's parse errors ("Unexpected end of form"...) are the client's fault: 400, not 500. */
async function * malformedAsInvalid<T> (source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield * source
  } catch (err) {
    if (err instanceof IpfsKitError || (err instanceof Error && 'statusCode' in err)) throw err
    throw new InvalidInputError(`malformed multipart body: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

/**
 * An AbortSignal that fires when the client goes away: while it is still sending (an upload cut short) or, given the
 * reply, before the answer is fully sent (a download it stopped reading), so the work behind it stops too.
 */
export function abortSignalOf (request: FastifyRequest, reply?: FastifyReply): AbortSignal {
  const controller = new AbortController()
  request.raw.once('close', () => { if (!request.raw.complete) controller.abort(new Error('client closed the request')) })
  reply?.raw.once('close', () => { if (!reply.raw.writableFinished) controller.abort(new Error('client went away before the answer was sent')) })
  return controller.signal
}

/** REST routes for content: add, cat, ls, stat. */
export function contentRoutes (app: FastifyInstance, ctx: HttpContext): void {
  app.post<{ Querystring: AddQuery }>('/api/v1/add', {
    schema: {
      summary: 'Add files',
      description: 'Streams the upload into UnixFS (CIDv1, raw leaves, 1 MiB chunks). Send `multipart/form-data` (one part per file; the filename is its path in the tree: one top-level file or directory is the root itself, as `ipfs add` does, several are wrapped in a directory; `wrap=true|false` forces it) or `application/octet-stream` (one file). Nothing is buffered whole in memory.',
      tags: ['content'],
      querystring: {
        type: 'object',
        properties: {
          pin: { type: 'boolean', default: true, description: 'pin what was added' },
          name: { ...nameSchema, description: 'name recorded on the pin' },
          wrap: { type: 'boolean', description: 'multipart: true wraps everything in a directory; false never does; unset (as `ipfs add`): one top-level file or directory is the root itself, several are wrapped' },
          chunkSize: { type: 'integer', minimum: 1024, maximum: 2097152, description: 'fixed chunk size in bytes' },
          cidVersion: { type: 'integer', enum: [0, 1], description: '1 (default, unixfs-v1-2025) or 0 (Kubo\'s legacy unixfs-v0-2015: 256 KiB chunks, dag-pb leaves)' },
          rawLeaves: { type: 'boolean', description: 'raw leaf blocks (default true with CIDv1)' }
        }
      },
      response: { 200: addResultSchema, '4xx': errorSchema }
    }
  }, async (request) => {
    if (request.isMultipart()) return addMultipart(ctx, request)
    const body = request.body
    if (body === undefined || body === null || typeof body !== 'object' || !(Symbol.asyncIterator in body)) {
      throw new InvalidInputError('send the file as multipart/form-data or application/octet-stream')
    }
    const query = request.query
    const chunker = query.chunkSize === undefined ? undefined : { type: 'fixed' as const, size: query.chunkSize }
    const result = await ctx.service.add(body as AsyncIterable<Uint8Array>, { pin: query.pin, name: query.name, chunker, cidVersion: query.cidVersion, rawLeaves: query.rawLeaves, signal: abortSignalOf(request) })
    return { cid: result.cid.toString(), size: result.size, name: query.name ?? '' }
  })

  for (const url of withOptionalPath('/api/v1/cat/:cid')) app.get<{ Params: CidPathParams, Querystring: { offset?: number, length?: number } }>(url, {
    schema: {
      summary: 'Read a file',
      description: 'Streams a file\'s bytes, verified block by block. Honours `Range` (206) or `offset`/`length`.',
      tags: ['content'],
      params: cidPathParamsSchema,
      querystring: { type: 'object', properties: { offset: { type: 'integer', minimum: 0 }, length: { type: 'integer', minimum: 0 } } },
      response: { '4xx': errorSchema, '5xx': errorSchema }
    }
  }, async (request, reply) => {
    const { target } = targetOf(request.params)
    const signal = abortSignalOf(request, reply)
    const stat = await ctx.service.stat(target, { signal })
    if (stat.type === 'directory' || stat.type === 'object') {
      throw new NotAFileError(`${target} is a ${stat.type}, not a file`)
    }
    const range = parseRange(request.headers.range, stat.size)
    const offset = range?.offset ?? request.query.offset ?? 0
    if (offset > stat.size) throw new InvalidRangeError(`offset ${offset} is past the end of a ${stat.size} byte file`)
    const length = range?.length ?? request.query.length
    void reply.header('accept-ranges', 'bytes').header('etag', `"${stat.cid.toString()}"`).type('application/octet-stream')
    if (range !== undefined) {
      void reply.status(206).header('content-range', `bytes ${range.offset}-${range.offset + range.length - 1}/${stat.size}`)
    }
    const bodyLength = Math.max(0, Math.min(length ?? stat.size - offset, stat.size - offset))
    void reply.header('content-length', bodyLength)
    if (bodyLength === 0) return reply.send('')
    return reply.send(await primedStream(ctx.service.cat(target, { offset, length: bodyLength, signal })))
  })
}
