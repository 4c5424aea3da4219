import { InvalidInputError } from '../../../core/errors/index.ts'
import { errorSchema } from '../errors.ts'
import { cidOf, nameSchema } from '../params.ts'
import { primedStream } from '../stream.ts'
import { abortSignalOf } from './content.ts'
import type { HttpContext } from '../context.ts'
import type { FastifyInstance } from 'fastify'

/** REST routes for CAR export and import. */
export function carRoutes (app: FastifyInstance, ctx: HttpContext): void {
  app.get<{ Params: { cid: string } }>('/api/v1/car/:cid', {
    schema: { summary: 'Export a DAG as a CARv1', tags: ['car'], params: { type: 'object', properties: { cid: { type: 'string' } } }, response: { '4xx': errorSchema } }
  }, async (request, reply) => {
    const cid = cidOf(request.params.cid)
    const stream = await primedStream(ctx.service.exportCar(cid, { signal: abortSignalOf(request, reply) }))
    return reply.type('application/vnd.ipld.car; version=1').header('content-disposition', `attachment; filename="${cid.toString()}.car"`).send(stream)
  })

  app.post<{ Querystring: { pin?: boolean, name?: string } }>('/api/v1/car', {
    schema: {
      summary: 'Import a CAR',
      description: 'Body: a CAR (application/vnd.ipld.car or application/octet-stream), streamed. Every block is verified before anything is kept; a bad CAR leaves nothing behind. Roots are pinned unless `pin=false`.',
      tags: ['car'],
      querystring: { type: 'object', properties: { pin: { type: 'boolean', default: true }, name: nameSchema } },
      response: {
        200: { type: 'object', properties: { roots: { type: 'array', items: { type: 'string' } }, blocks: { type: 'number' }, newBlocks: { type: 'number' }, bytes: { type: 'number' } } },
        '4xx': errorSchema
      }
    }
  }, async (request) => {
    const body = request.body
    if (body === undefined || body === null || typeof body !== 'object' || !(Symbol.asyncIterator in body)) throw new InvalidInputError('send the CAR as the request body')
    const result = await ctx.service.importCar(body as AsyncIterable<Uint8Array>, { pin: request.query.pin, name: request.query.name, signal: abortSignalOf(request) })
    return { ...result, roots: result.roots.map(String) }
  })
}
