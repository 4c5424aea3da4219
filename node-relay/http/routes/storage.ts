import { Readable } from 'node:stream'
import { blocksToCar } from '../../../core/storage/index.ts'
import { errorSchema } from '../errors.ts'
import { cidOf } from '../params.ts'
import { abortSignalOf } from './content.ts'
import type { StorageManager, VerifiedBlock } from '../../../core/storage/index.ts'
import { demandScope } from '../auth-guard.ts'
import type { HttpContext } from '../context.ts'
import type { FastifyInstance } from 'fastify'

const errorObject = { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } as const

/** OpenAPI schema of a backend's description and health. */
export const backendReportSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    kind: { type: 'string', description: 'local, ipfs, s3, gateway, huggingface, storacha' },
    layout: { type: 'string', enum: ['car', 'blocks'] },
    capabilities: {
      type: 'object',
      properties: { read: { type: 'boolean' }, write: { type: 'boolean' }, delete: { type: 'boolean' }, list: { type: 'boolean' }, streaming: { type: 'boolean' } }
    },
    cost: {
      type: 'object',
      properties: { storageUsdPerGbMonth: { type: 'number' }, egressUsdPerGb: { type: 'number' }, latencyMs: { type: 'number' } }
    },
    status: {
      type: 'object',
      properties: {
        healthy: { type: 'boolean' },
        latencyMs: { type: 'number', description: 'measured by this probe' },
        checkedAt: { type: 'string', format: 'date-time' },
        error: errorObject,
        usage: { type: 'object', properties: { objects: { type: 'number' }, bytes: { type: 'number' } } },
        endpoints: {
          type: 'array',
          items: {
            type: 'object',
            properties: { url: { type: 'string' }, healthy: { type: 'boolean' }, latencyMs: { type: 'number' }, markedUntil: { type: 'string' }, error: errorObject }
          }
        }
      }
    }
  }
} as const

/** OpenAPI schema of one recorded copy. */
export const referenceSchema = {
  type: 'object',
  properties: {
    cid: { type: 'string' },
    backend: { type: 'string' },
    locator: { type: 'string' },
    size: { type: 'number' },
    state: { type: 'string', enum: ['ok', 'corrupt', 'missing'] },
    storedAt: { type: 'string' },
    verifiedAt: { type: 'string' },
    markedAt: { type: 'string' },
    reason: { type: 'string' }
  }
} as const

/** OpenAPI schema of a put's placement report. */
export const placementReportSchema = {
  type: 'object',
  properties: {
    cid: { type: 'string' },
    placements: {
      type: 'array',
      items: {
        type: 'object',
        properties: { backend: { type: 'string' }, ok: { type: 'boolean' }, locator: { type: 'string' }, size: { type: 'number' }, error: errorObject }
      }
    }
  }
} as const

const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } as const
const cidParams = { type: 'object', required: ['cid'], properties: { cid: { type: 'string', description: 'root CID of the DAG' } } } as const

/** Pull the first block before the response starts, so not-found and corrupt copies become statuses, not cut 200s. */
async function primedBlocks (blocks: AsyncGenerator<VerifiedBlock>): Promise<AsyncGenerator<VerifiedBlock>> {
  const first = await blocks.next()
  return (async function * () {
    if (first.done !== true) yield first.value
    yield * blocks
  })()
}

/**
 * REST routes of the storage manager: `/api/v1/backends` (list with health, one backend), `/api/v1/storage/{cid}`
 * (place copies, read as a verified CAR from the best or a named backend) and `/api/v1/storage/{cid}/references`
 * (where each copy lives).
 */
export function storageRoutes (app: FastifyInstance, ctx: HttpContext, storage: StorageManager): void {
  app.get('/api/v1/backends', {
    schema: {
      summary: 'List storage backends with their health',
      description: 'Every configured backend (local first) with capabilities, cost profile and a fresh health probe (bounded by storage.statusTimeoutMs).',
      tags: ['storage'],
      response: { 200: { type: 'object', properties: { backends: { type: 'array', items: backendReportSchema } } }, '4xx': errorSchema }
    }
  }, async (request) => ({ backends: await storage.status({ signal: abortSignalOf(request) }) }))

  app.get<{ Params: { name: string } }>('/api/v1/backends/:name', {
    schema: { summary: 'One storage backend with its health', tags: ['storage'], params: nameParams, response: { 200: backendReportSchema, '4xx': errorSchema } }
  }, async (request) => storage.report(storage.backend(request.params.name), { signal: abortSignalOf(request) }))

  app.post<{ Params: { cid: string }, Body: { to?: string[] } | undefined }>('/api/v1/storage/:cid', {
    schema: {
      summary: 'Place copies of a DAG on backends',
      description: 'Stores the DAG locally (fetching missing blocks from peers) and places copies on `to`, or on the placement policy\'s backends. Answers 200 with one entry per placement; failed ones carry an error code and are not recorded.',
      tags: ['storage'],
      params: cidParams,
      body: { type: 'object', additionalProperties: false, properties: { to: { type: 'array', items: { type: 'string' }, description: 'backend names; default: the placement policy' } } },
      response: { 200: placementReportSchema, '4xx': errorSchema }
    }
  }, async (request) => {
    const cid = cidOf(request.params.cid)
    const to = request.body?.to
    // per-backend policy: each named backend needs its own write scope; the placement policy's choice needs all
    for (const name of to ?? ['*']) demandScope(request, `storage:${name}:write`)
    return storage.put(cid, { source: ctx.service.content.blocks, signal: abortSignalOf(request), ...(to === undefined ? {} : { to }) })
  })

  app.get<{ Params: { cid: string }, Querystring: { from?: string } }>('/api/v1/storage/:cid', {
    schema: {
      summary: 'Read a DAG from the best (or a named) backend as a CAR',
      description: 'Local first, then backends holding a copy by latency and cost, then gateways; falls back on failure. Every block is verified; a copy that fails verification is marked and skipped (event storage:corrupt).',
      tags: ['storage'],
      params: cidParams,
      querystring: { type: 'object', properties: { from: { type: 'string', description: 'read only from this backend' } } },
      response: { '4xx': errorSchema, '5xx': errorSchema }
    }
  }, async (request, reply) => {
    const cid = cidOf(request.params.cid)
    const from = request.query.from
    demandScope(request, `storage:${from ?? '*'}:read`)
    const blocks = await primedBlocks(storage.get(cid, { signal: abortSignalOf(request), ...(from === undefined ? {} : { from }) }))
    const body = Readable.from(blocksToCar(cid, blocks), { objectMode: false })
    return reply.type('application/vnd.ipld.car; version=1').header('content-disposition', `attachment; filename="${cid.toString()}.car"`).send(body)
  })

  app.get<{ Params: { cid: string } }>('/api/v1/storage/:cid/references', {
    schema: {
      summary: 'Where the copies of a DAG live',
      tags: ['storage'],
      params: cidParams,
      response: { 200: { type: 'object', properties: { cid: { type: 'string' }, references: { type: 'array', items: referenceSchema } } }, '4xx': errorSchema }
    }
  }, async (request) => {
    const cid = cidOf(request.params.cid)
    return { cid: cid.toString(), references: await storage.references(cid, { signal: abortSignalOf(request) }) }
  })
}
