import { Readable } from 'node:stream'
import { z } from 'zod'
import { concatChunks } from '../../core/blocks/bytes.ts'
import { InvalidInputError, IpfsKitError } from '../../core/errors/index.ts'
import { OPERATIONS } from '../operations/index.ts'
import { coerceTextInput, inputFields, parseInput } from '../operations/input.ts'
import { demandScope } from './auth-guard.ts'
import { errorSchema } from './errors.ts'
import { plainJsonSerializer } from './json-serializer.ts'
import { parseRange } from './range.ts'
import { abortSignalOf } from './abort.ts'
import { UploadTree } from './upload-tree.ts'
import type { AnyOperation, Download, DownloadOperation, OperationComponents, RunOptions, Upload, UploadOperation } from '../operations/operation.ts'
import type { AddEntry } from '../../core/content/types.ts'
import type { HttpContext } from './context.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** `:name` segments of a Fastify path. */
export function pathParamsOf (path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map(match => match[1] ?? '')
}

/** OpenAPI 3.0 schema (without `$schema`) of a zod type. */
function jsonSchemaOf (schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>
  return rest
}

/** The input fields an operation takes from `where` (the path, or the query string / body). */
function pickFields (op: AnyOperation, names: string[], keep: boolean): z.ZodObject {
  const shape = inputFields(op)
  return z.object(Object.fromEntries(Object.entries(shape).filter(([name]) => names.includes(name) === keep)))
}

/** OpenAPI schema of an operation's route. */
function routeSchema (op: AnyOperation): Record<string, unknown> {
  const params = pathParamsOf(op.rest.path)
  const rest = pickFields(op, params, false)
  const hasRest = Object.keys(rest.shape).length > 0
  const status = op.rest.status ?? 200
  return {
    operationId: op.name,
    summary: op.title,
    description: op.description,
    tags: [op.rest.tag],
    ...(params.length > 0 ? { params: jsonSchemaOf(pickFields(op, params, true), 'input') } : {}),
    ...(hasRest ? { [op.rest.method === 'POST' && op.kind !== 'upload' ? 'body' : 'querystring']: jsonSchemaOf(rest, 'input') } : {}),
    ...(op.kind === 'upload' ? { consumes: [...op.upload.mediaTypes] } : {}),
    response: op.kind === 'download'
      ? { [status]: { description: `the bytes, with the metadata of \`${op.name}\`${op.ranged === true ? '; 206 for a Range' : ''}` }, '4xx': errorSchema, '5xx': errorSchema }
      : { [status]: jsonSchemaOf(op.output, 'output'), '4xx': errorSchema, '5xx': errorSchema }
  }
}

/** The operation's raw input from a request: path parameters, plus the query string (GET, DELETE) or the JSON body. */
function rawInputOf (op: AnyOperation, request: FastifyRequest): Record<string, unknown> {
  const params = { ...request.params as Record<string, string> }
  const query = request.query as Record<string, unknown>
  const rest = params['*']
  if (rest !== undefined) {
    const last = pathParamsOf(op.rest.path).at(-1)
    if (last !== undefined) params[last] = `${params[last] ?? ''}/${rest}`
    delete params['*']
  }
  if (op.rest.method === 'POST' && op.kind !== 'upload') {
    const body = request.body
    const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? body as Record<string, unknown> : {}
    return { ...fields, ...params }
  }
  return coerceTextInput(op, { ...query, ...params })
}

/** Register one operation as a REST route. */
function registerOperationRoute (app: FastifyInstance, op: AnyOperation, components: OperationComponents): void {
  for (const url of op.rest.subpath === true ? [op.rest.path, `${op.rest.path}/*`] : [op.rest.path]) registerOperationUrl(app, op, components, url)
}

function registerOperationUrl (app: FastifyInstance, op: AnyOperation, components: OperationComponents, url: string): void {
  app.route({
    method: op.rest.method,
    url,
    schema: { ...routeSchema(op), ...(url.endsWith('/*') ? { hide: true } : {}) },
    // the schemas above are for OpenAPI; the operation's zod schema validates, so every surface refuses alike
    validatorCompiler: () => (data: unknown) => ({ value: data }),
    serializerCompiler: plainJsonSerializer,
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const options: RunOptions = {
        signal: abortSignalOf(request, reply),
        demand: (scope) => { demandScope(request, scope) },
        caller: request.principal?.name
      }
      if (op.kind === 'download') return await sendDownload(op, components, request, reply, options)
      if (op.kind === 'upload') {
        const input = parseInput(op, rawInputOf(op, request), false)
        return reply.status(op.rest.status ?? 200).send(await op.run(components, input, uploadOf(op, request), options))
      }
      const input = parseInput(op, rawInputOf(op, request), op.rest.method === 'POST')
      return reply.status(op.rest.status ?? 200).send(await op.run(components, input, options))
    }
  })
}

/**
 * Serve a download: the bytes streamed with their media type, length and validator; for a ranged operation a
 * `Range` header selects the bytes (206 with `Content-Range`), as `offset`/`length` do in the query.
 */
async function sendDownload (op: DownloadOperation, components: OperationComponents, request: FastifyRequest, reply: FastifyReply, options: RunOptions): Promise<FastifyReply> {
  const raw = rawInputOf(op, request)
  let input = parseInput(op, raw, false)
  let download: Download
  const header = request.headers.range
  if (op.ranged === true && header !== undefined) {
    // the size is needed to read the range: open the whole first (its body not yet pulled), then the range
    const whole = await op.open(components, { ...input, offset: 0, length: 0 }, options)
    const range = parseRange(header, whole.total ?? 0)
    if (range !== undefined) input = parseInput(op, { ...raw, offset: range.offset, length: range.length }, false)
    download = await op.open(components, input, options)
    if (range !== undefined) void reply.status(206).header('content-range', `bytes ${range.offset}-${range.offset + range.length - 1}/${download.total ?? 0}`)
  } else {
    download = await op.open(components, input, options)
  }
  void reply.type(download.mediaType)
  if (op.ranged === true) void reply.header('accept-ranges', 'bytes')
  if (download.etag !== undefined) void reply.header('etag', download.etag)
  if (download.length !== undefined) void reply.header('content-length', download.length)
  if (download.filename !== undefined && !download.mediaType.startsWith('application/octet-stream')) {
    void reply.header('content-disposition', `attachment; filename="${download.filename.replace(/["\\\r\n]/g, '_')}"`)
  }
  if (download.length === 0) return reply.send('')
  // small (or already in memory): one buffer and one write, no stream machinery; an error while reading is still a
  // status, not a short 200
  const small = download.length !== undefined && download.length <= SMALL_BODY_BYTES
  const bytes = download.bytes ?? (small ? concatChunks(await Array.fromAsync(download.body)) : undefined)
  if (bytes !== undefined) return reply.header('content-length', bytes.byteLength).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  return reply.send(Readable.from(download.body, { objectMode: false, highWaterMark: 1024 * 1024 }))
}

/** Downloads up to this size are read whole and sent as one buffer (most gateway and API reads are this small). */
const SMALL_BODY_BYTES = 64 * 1024

/** Busboy's parse errors ("Unexpected end of form"...) are the client's fault: 400, not 500. */
async function * malformedAsInvalid<T> (source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield * source
  } catch (err) {
    if (err instanceof IpfsKitError || (err instanceof Error && 'statusCode' in err)) throw err
    throw new InvalidInputError(`malformed multipart body: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

/** The bytes of an upload: the raw body, or (for operations that take files) each part of a multipart body. */
function uploadOf (op: UploadOperation, request: FastifyRequest): Upload {
  if (op.upload.accepts === 'files' && request.isMultipart()) {
    const parts = request.files({ preservePath: true }) // the limits registered with @fastify/multipart (http.maxUploadBytes)
    const tree = new UploadTree()
    const files = async function * (): AsyncGenerator<AddEntry> {
      for await (const part of malformedAsInvalid(parts)) {
        yield { path: tree.add(part.filename), content: malformedAsInvalid(part.file as Readable & AsyncIterable<Uint8Array>) }
      }
    }
    return { kind: 'files', files: files() }
  }
  const body = request.body
  if (body === undefined || body === null || typeof body !== 'object' || !(Symbol.asyncIterator in body)) {
    throw new InvalidInputError(`send ${op.upload.description} as the request body (${op.upload.mediaTypes.join(' or ')})`)
  }
  return { kind: 'bytes', body: body as AsyncIterable<Uint8Array> }
}

/** Register every operation of the table (node-relay/operations) as a REST route. */
export function operationRoutes (app: FastifyInstance, components: OperationComponents, operations: readonly AnyOperation[] = OPERATIONS): void {
  for (const op of operations) registerOperationRoute(app, op, components)
}

/** What the operations get from the HTTP context. */
export function operationComponentsOf (ctx: HttpContext): OperationComponents {
  return {
    service: ctx.service,
    cluster: ctx.cluster,
    storage: ctx.storage,
    search: ctx.search,
    keys: ctx.auth?.keys,
    audit: ctx.audit,
    pinTimeoutMs: ctx.config.network.pinTimeoutMs,
    invitations: ctx.invitations,
    migration: ctx.migration,
    registry: ctx.registry,
    filecoin: ctx.filecoin,
    stats: ctx.stats,
    clusterSecret: ctx.config.cluster.secret
  }
}
