import type { CID } from 'multiformats/cid'
import { collectBlock } from '../../../core/blocks/bytes.ts'
import { exportScopedCar } from '../../../core/content/car-scope.ts'
import { InvalidInputError, NotFoundError } from '../../../core/errors/index.ts'
import { errorSchema } from '../errors.ts'
import { cidPathParamsSchema, nameSchema, targetOf } from '../params.ts'
import { parseRange } from '../range.ts'
import { primedStream } from '../stream.ts'
import { CONTENT_SANDBOX, contentTypeOf, directoryListing, isActiveDocument } from '../gateway-page.ts'
import { abortSignalOf } from '../abort.ts'
import type { HttpContext } from '../context.ts'
import type { CidPathParams } from '../params.ts'
import type { DagScope, EntityBytes } from '../../../core/content/car-scope.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

const RAW = 'application/vnd.ipld.raw'
const CAR = 'application/vnd.ipld.car'
const IMMUTABLE = 'public, max-age=29030400, immutable'

interface GatewayQuery { format?: string, 'dag-scope'?: string, 'entity-bytes'?: string, filename?: string, download?: string }
type Format = 'raw' | 'car' | 'file'

/** The response format from `?format=` (wins) or `Accept`, per the trustless gateway spec. */
function formatOf (request: FastifyRequest<{ Querystring: GatewayQuery }>): Format {
  const format = request.query.format
  if (format === 'raw') return 'raw'
  if (format === 'car') return 'car'
  if (format !== undefined && format !== '') throw new InvalidInputError(`unsupported format "${format}" (use raw or car)`)
  const accept = request.headers.accept ?? ''
  if (accept.includes(RAW)) return 'raw'
  if (accept.includes(CAR)) {
    const version = /version=(\d+)/.exec(accept)?.[1]
    if (version !== undefined && version !== '1') throw new InvalidInputError(`CAR version ${version} is not supported (only 1)`)
    return 'car'
  }
  return 'file'
}

function dagScopeOf (value: string | undefined): DagScope {
  if (value === undefined || value === '') return 'all'
  if (value === 'block' || value === 'entity' || value === 'all') return value
  throw new InvalidInputError(`dag-scope must be block, entity or all, got "${value}"`)
}

function entityBytesOf (value: string | undefined): EntityBytes | undefined {
  if (value === undefined || value === '') return undefined
  const match = /^(-?\d+):(-?\d+|\*)$/.exec(value)
  if (match === null) throw new InvalidInputError(`entity-bytes must be from:to (to may be *), got "${value}"`)
  const from = Number(match[1])
  const to = match[2] === '*' ? undefined : Number(match[2])
  if (to !== undefined && to >= 0 && from >= 0 && to < from) throw new InvalidInputError('entity-bytes: to is before from')
  return { from, to }
}

/** `bafkqaaa`: the empty identity CID gateways answer to prove they are up. */
function isEmptyIdentity (cid: CID): boolean {
  return cid.multihash.code === 0x00 && cid.multihash.digest.byteLength === 0
}

function notModified (request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match']
  return header !== undefined && header.split(',').map(s => s.trim()).includes(etag)
}

async function serve (ctx: HttpContext, request: FastifyRequest<{ Params: CidPathParams, Querystring: GatewayQuery }>, reply: FastifyReply): Promise<FastifyReply> {
  const { cid, path, target } = targetOf(request.params)
  const format = formatOf(request)
  const head = request.method === 'HEAD'
  // X-Ipfs-Path as requested, percent-encoded: header values are ASCII
  void reply.header('x-content-type-options', 'nosniff').header('x-ipfs-path', encodeURI(`/ipfs/${target}`)).header('vary', 'Accept')
  const signal = abortSignalOf(request, reply)
  const onlyIfCached = (request.headers['cache-control'] ?? '').includes('only-if-cached')
  if (onlyIfCached && !await ctx.service.content.hasBlock(cid)) {
    return reply.status(412).send({ code: 'ERR_NOT_FOUND', message: `${cid.toString()} is not in this gateway's store` })
  }

  if (format === 'raw') {
    if (path !== '') throw new InvalidInputError('a raw block request takes a CID without a path')
    const etag = `"${cid.toString()}.raw"`
    void reply.header('etag', etag).header('cache-control', IMMUTABLE).header('content-disposition', `attachment; filename="${request.query.filename ?? cid.toString() + '.bin'}"`)
    if (notModified(request, etag)) return reply.status(304).send()
    const bytes = isEmptyIdentity(cid) ? new Uint8Array(0) : await ctx.service.blockGet(cid, { signal })
    void reply.type(RAW).header('content-length', bytes.byteLength)
    return reply.send(head ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  }

  if (format === 'car') {
    const dagScope = dagScopeOf(request.query['dag-scope'])
    const entityBytes = entityBytesOf(request.query['entity-bytes'])
    const etag = `"${target}.car.${dagScope}.${request.query['entity-bytes'] ?? ''}"`
    void reply.header('etag', etag).header('cache-control', IMMUTABLE)
      .header('content-disposition', `attachment; filename="${request.query.filename ?? cid.toString() + '.car'}"`)
      .type(`${CAR}; version=1; order=dfs; dups=n`)
    if (notModified(request, etag)) return reply.status(304).send()
    if (head) {
      if (!isEmptyIdentity(cid) && !await ctx.service.content.hasBlock(cid)) throw new NotFoundError(`${cid.toString()} not found`)
      return reply.send()
    }
    // resolve the path first: a missing entry is a 404, not a 200 cut short after the root's block
    if (target.includes('/')) await ctx.service.stat(target, { signal })
    return reply.send(await primedStream(exportScopedCar(ctx.service.content.blocks, target, { dagScope, entityBytes, signal })))
  }

  // no trustless format asked for: what a browser expects of a gateway (Kubo's path gateway) — a file with its type,
  // a directory's index.html or an HTML listing (JSON for `Accept: application/json`)
  // resolved once for its stat, its first bytes and its body (each of those resolved the path again before)
  let opened = isEmptyIdentity(cid) ? undefined : await ctx.service.open(target, { signal })
  let stat = opened?.stat ?? { cid, type: 'raw' as const, size: 0 }
  let servedPath = target
  if (stat.type === 'directory') {
    const url = request.url.split('?')[0] ?? ''
    const wantsJson = (request.headers.accept ?? '').includes('application/json') && !(request.headers.accept ?? '').includes('text/html')
    if (!wantsJson && !url.endsWith('/')) {
      // relative links in a directory's pages resolve against a trailing slash (as Kubo redirects)
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
      return reply.status(301).header('location', `${url}/${query}`).send()
    }
    const entries = []
    for await (const entry of ctx.service.ls(target, { signal })) entries.push(entry)
    const index = wantsJson ? undefined : entries.find(e => e.name === 'index.html' && e.type !== 'directory')
    if (index === undefined) {
      const etag = `"DirIndex-${stat.cid.toString()}${wantsJson ? '-json' : ''}"`
      void reply.header('etag', etag).header('cache-control', IMMUTABLE)
      if (notModified(request, etag)) return reply.status(304).send()
      if (wantsJson) return reply.type('application/json').send({ cid: stat.cid.toString(), entries: entries.map(e => ({ name: e.name, cid: e.cid.toString(), type: e.type, size: e.size })) })
      return reply.type('text/html; charset=utf-8').header('content-security-policy', CONTENT_SANDBOX).send(head ? undefined : directoryListing(target, stat.cid.toString(), entries))
    }
    servedPath = `${target.replace(/\/+$/, '')}/index.html`
    opened = await ctx.service.open(servedPath, { signal })
    stat = opened.stat
  }
  const read = (offset: number, length: number): AsyncGenerator<Uint8Array> => opened === undefined ? (async function * () {})() : opened.cat({ offset, length, signal })
  const etag = `"${stat.cid.toString()}"`
  void reply.header('etag', etag).header('cache-control', IMMUTABLE)
  if (notModified(request, etag)) return reply.status(304).send()
  const range = parseRange(request.headers.range, stat.size)
  const name = request.query.filename ?? servedPath.split('/').filter(part => part !== '').at(-1) ?? ''
  // the first bytes, to tell the type when the name does not
  const sniffed = stat.size === 0 ? new Uint8Array(0) : await collectBlock(read(0, Math.min(stat.size, 512)))
  const type = contentTypeOf(name === stat.cid.toString() ? '' : name, sniffed)
  void reply.header('accept-ranges', 'bytes').type(type)
  if (isActiveDocument(type.split(';')[0] ?? type)) void reply.header('content-security-policy', CONTENT_SANDBOX)
  if (request.query.filename !== undefined) {
    const disposition = request.query.download === 'true' ? 'attachment' : 'inline'
    void reply.header('content-disposition', `${disposition}; filename="${request.query.filename.replace(/"/g, '')}"`)
  }
  const offset = range?.offset ?? 0
  const length = range?.length ?? stat.size
  if (range !== undefined) void reply.status(206).header('content-range', `bytes ${offset}-${offset + length - 1}/${stat.size}`)
  void reply.header('content-length', length)
  if (head || length === 0) return reply.send()
  return reply.send(await primedStream(read(offset, length)))
}

/** The trustless gateway: `GET`/`HEAD /ipfs/{cid}[/path]` as raw blocks, CARs, or (without a format) file bytes. */
export function gatewayRoutes (app: FastifyInstance, ctx: HttpContext): void {
  const schema = {
    summary: 'Trustless gateway',
    description: 'Per the IPFS trustless gateway spec: `?format=raw` / `Accept: application/vnd.ipld.raw` returns one block; `?format=car` / `Accept: application/vnd.ipld.car` returns a CARv1 with `dag-scope` (block|entity|all) and `entity-bytes` (from:to). Without a format, as a path gateway: a file with its Content-Type (by name, else sniffed; Range supported), a directory\'s index.html, or an HTML listing (JSON with `Accept: application/json`); HTML and SVG run sandboxed (CSP sandbox).',
    tags: ['gateway'],
    params: cidPathParamsSchema,
    querystring: {
      type: 'object',
      properties: {
        format: { type: 'string', enum: ['raw', 'car', ''] },
        'dag-scope': { type: 'string' },
        'entity-bytes': { type: 'string' },
        filename: { ...nameSchema, description: 'name for Content-Disposition (no control characters)' },
        download: { type: 'string' }
      }
    },
    response: { '4xx': errorSchema }
  }
  for (const url of ['/ipfs/:cid', '/ipfs/:cid/*']) {
    app.route<{ Params: CidPathParams, Querystring: GatewayQuery }>({
      method: ['GET', 'HEAD'],
      url,
      schema: { ...schema, hide: url.endsWith('*') },
      handler: async (request, reply) => serve(ctx, request, reply)
    })
  }
}
