import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { InvalidInputError, NotFoundError } from '../../../core/errors/index.ts'
import { clusterPin } from '../../operations/cluster/cluster-pin.ts'
import { clusterPins } from '../../operations/cluster/cluster-pins.ts'
import { clusterUnpin } from '../../operations/cluster/cluster-unpin.ts'
import { describeIssues } from '../../operations/input.ts'
import { matches, ownerOf, requestIdOf, requestMetadata, toPinStatus } from '../../pinning/requests.ts'
import { demandScope } from '../auth-guard.ts'
import { toErrorResponse } from '../errors.ts'
import { abortSignalOf } from '../abort.ts'
import type { CidStatus } from '../../../core/cluster/index.ts'
import type { OperationComponents, RunOptions } from '../../operations/operation.ts'
import type { PinFilters, SpecPin, SpecPinStatus } from '../../pinning/requests.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { logErrorAnswer } from '../error-log.ts'

/** Where the Pinning Services API is mounted: a client's endpoint is `http://<relay>/pinning`. */
export const PINNING_PREFIX = '/pinning'

const multiaddr = z.string().min(1).max(1024)
const pinBody = z.object({
  cid: z.string().min(1).max(512),
  name: z.string().max(255).optional(),
  origins: z.array(multiaddr).max(20).optional(),
  meta: z.record(z.string().max(255), z.string().max(4096)).optional()
})

const STATUSES = ['queued', 'pinning', 'pinned', 'failed'] as const
const list = (max: number): z.ZodType<string[]> => z.string().transform(s => s.split(',').map(x => x.trim()).filter(x => x !== '')).pipe(z.array(z.string()).min(1).max(max))
const listQuery = z.object({
  cid: list(10).optional(),
  name: z.string().max(255).optional(),
  match: z.enum(['exact', 'iexact', 'partial', 'ipartial']).default('exact'),
  status: list(4).pipe(z.array(z.enum(STATUSES))).default(['pinned']),
  before: z.iso.datetime({ offset: true }).transform(s => new Date(s)).optional(),
  after: z.iso.datetime({ offset: true }).transform(s => new Date(s)).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(10),
  meta: z.string().transform((s, ctx) => {
    try {
      const parsed: unknown = JSON.parse(s)
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every(v => typeof v === 'string')) return parsed as Record<string, string>
    } catch {
      // not JSON: the issue below says what is expected
    }
    ctx.addIssue({ code: 'custom', message: 'expected a JSON object of strings' })
    return z.NEVER
  }).optional()
})

/**
 * The spec asks for `meta` as a JSON string; its generated client sends `meta[key]=value` pairs: accept both, as one
 * JSON `meta`.
 */
function withBracketMeta (query: Record<string, string>): Record<string, string> {
  const pairs = Object.entries(query).filter(([key]) => /^meta\[.+\]$/.test(key))
  if (pairs.length === 0) return query
  const rest = Object.fromEntries(Object.entries(query).filter(([key]) => !/^meta\[.+\]$/.test(key)))
  const fromJson: unknown = query.meta === undefined ? {} : (() => { try { return JSON.parse(query.meta) as unknown } catch { return {} } })()
  const meta = { ...(typeof fromJson === 'object' && fromJson !== null ? fromJson : {}), ...Object.fromEntries(pairs.map(([key, value]) => [key.slice(5, -1), value])) }
  return { ...rest, meta: JSON.stringify(meta) }
}

/** The spec's `Failure`: `{ error: { reason, details } }`, with our stable code in the details. */
export function pinningFailure (status: number, code: string, message: string): { error: { reason: string, details: string } } {
  const reason = status === 400 ? 'BAD_REQUEST' : status === 401 ? 'UNAUTHORIZED' : status === 404 ? 'NOT_FOUND' : status >= 500 ? 'INTERNAL_SERVER_ERROR' : code.replace(/^ERR_/, '')
  return { error: { reason, details: `${code}: ${message}` } }
}

function parsed<T> (schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (!result.success) throw new InvalidInputError(describeIssues(result.error))
  return result.data
}

/**
 * The IPFS Pinning Services API (the spec in ipfs/pinning-services-api-spec) at `/pinning`: `GET|POST /pins`,
 * `GET|POST|DELETE /pins/{requestid}`. A pin request is a cluster pin (through the `cluster_pin` and
 * `cluster_unpin` operations), so its status follows the cluster's (queued → pinning → pinned, or failed), its
 * delegates are this relay's addresses, and its origins are dialled to fetch the data. With API keys, each key sees
 * only its own requests. Errors are the spec's `Failure` objects.
 */
export function pinningRoutes (app: FastifyInstance, components: OperationComponents, dial?: (addr: string) => Promise<void>): void {
  const delegates = (): string[] => {
    const { peerId, addresses } = components.service.id()
    const full = addresses.map(a => a.includes('/p2p/') ? a : `${a}/p2p/${peerId}`)
    return (full.length > 0 ? full : [`/p2p/${peerId}`]).slice(0, 20)
  }
  const optionsOf = (request: FastifyRequest, reply: FastifyReply): RunOptions => ({
    signal: abortSignalOf(request, reply), demand: (scope) => { demandScope(request, scope) }, caller: request.principal?.name
  })
  /** The requests this caller may see, newest first. */
  const requests = async (request: FastifyRequest, reply: FastifyReply): Promise<CidStatus[]> => {
    const { pins } = await clusterPins.run(components, {}, optionsOf(request, reply)) as { pins: CidStatus[] }
    const owner = request.principal?.id
    return pins.filter(p => requestIdOf(p) !== undefined && (owner === undefined || ownerOf(p) === owner))
  }
  const byId = async (request: FastifyRequest<{ Params: { requestid: string } }>, reply: FastifyReply): Promise<CidStatus> => {
    const found = (await requests(request, reply)).find(p => requestIdOf(p) === request.params.requestid)
    if (found === undefined) throw new NotFoundError(`no pin request ${request.params.requestid}`)
    return found
  }
  const create = async (request: FastifyRequest, reply: FastifyReply, pin: SpecPin): Promise<SpecPinStatus> => {
    for (const origin of pin.origins ?? []) void dial?.(origin).catch(() => {})
    const requestid = randomUUID()
    const status = await clusterPin.run(components, {
      cid: pin.cid,
      ...(pin.name === undefined ? {} : { name: pin.name }),
      metadata: requestMetadata(requestid, new Date(), pin, request.principal?.id)
    }, optionsOf(request, reply)) as unknown as CidStatus
    return toPinStatus(status, delegates())
  }

  app.register(async (scope) => {
    scope.setErrorHandler((err, request, reply) => {
      const { status, body } = toErrorResponse(err)
      logErrorAnswer(request.log, err, status, body.code, 'pinning request failed')
      void reply.status(status).send(pinningFailure(status, body.code, body.message))
    })
    scope.get<{ Querystring: Record<string, string> }>('/pins', { schema: { hide: true } }, async (request, reply) => {
      const filters: PinFilters = parsed(listQuery, withBracketMeta(request.query))
      const all = (await requests(request, reply)).map(p => toPinStatus(p, delegates())).filter(p => matches(p, filters))
      all.sort((a, b) => Date.parse(b.created) - Date.parse(a.created))
      return { count: all.length, results: all.slice(0, filters.limit) }
    })
    scope.post('/pins', { schema: { hide: true } }, async (request, reply) => {
      const pin = parsed(pinBody, request.body)
      return reply.status(202).send(await create(request, reply, pin))
    })
    scope.get<{ Params: { requestid: string } }>('/pins/:requestid', { schema: { hide: true } }, async (request, reply) => toPinStatus(await byId(request, reply), delegates()))
    scope.post<{ Params: { requestid: string } }>('/pins/:requestid', { schema: { hide: true } }, async (request, reply) => {
      const pin = parsed(pinBody, request.body)
      const old = await byId(request, reply)
      // the new pin first, so blocks both pins share are never unpinned in between (the spec's reason for replace)
      const replaced = await create(request, reply, pin)
      if (old.cid !== pin.cid) await clusterUnpin.run(components, { cid: old.cid }, optionsOf(request, reply))
      return reply.status(202).send(replaced)
    })
    scope.delete<{ Params: { requestid: string } }>('/pins/:requestid', { schema: { hide: true } }, async (request, reply) => {
      const old = await byId(request, reply)
      await clusterUnpin.run(components, { cid: old.cid }, optionsOf(request, reply))
      return reply.status(202).send()
    })
  }, { prefix: PINNING_PREFIX })
}
