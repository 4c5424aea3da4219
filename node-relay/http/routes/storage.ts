import { Readable } from 'node:stream'
import { blocksToCar } from '../../../core/storage/index.ts'
import { errorSchema } from '../errors.ts'
import { cidOf } from '../params.ts'
import { abortSignalOf } from './content.ts'
import type { StorageManager, VerifiedBlock } from '../../../core/storage/index.ts'
import { demandScope } from '../auth-guard.ts'
import type { FastifyInstance } from 'fastify'

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
 * `GET /api/v1/storage/{cid}`: a DAG read from the best (or a named) backend, streamed as a verified CAR. The other
 * storage routes are operations (node-relay/operations/storage); this one streams, so it is written here.
 */
export function storageRoutes (app: FastifyInstance, storage: StorageManager): void {
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
}
