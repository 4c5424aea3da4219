import { TimeoutError } from '../../../core/errors/index.ts'
import { errorSchema } from '../errors.ts'
import { abortSignalOf } from './content.ts'
import { cidOf, nameSchema } from '../params.ts'
import type { HttpContext } from '../context.ts'
import type { PinInfo } from '../../../core/service/types.ts'
import type { FastifyInstance } from 'fastify'

const pinSchema = {
  type: 'object',
  properties: {
    cid: { type: 'string' }, name: { type: 'string' }, depth: { type: 'number' },
    metadata: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } }
  }
} as const

function pinJson (pin: PinInfo): object {
  return { cid: pin.cid.toString(), name: pin.name, depth: pin.depth === Infinity ? -1 : pin.depth, metadata: pin.metadata }
}

interface PinBody { cid: string, name?: string, recursive?: boolean, metadata?: Record<string, string | number | boolean> }

/** REST routes for pins: add, rm, ls. */
export function pinRoutes (app: FastifyInstance, ctx: HttpContext): void {
  app.post<{ Body: PinBody }>('/api/v1/pins', {
    schema: {
      summary: 'Pin a CID',
      description: 'Fetches any missing blocks from peers, then records the pin. Depth -1 means recursive.',
      tags: ['pins'],
      body: {
        type: 'object',
        required: ['cid'],
        additionalProperties: false,
        properties: {
          cid: { type: 'string' },
          name: nameSchema,
          recursive: { type: 'boolean', default: true },
          metadata: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } }
        }
      },
      response: { 200: pinSchema, '4xx': errorSchema }
    }
  }, async (request) => {
    const { cid, name, recursive, metadata } = request.body
    const parsed = cidOf(cid)
    const deadline = AbortSignal.timeout(ctx.config.network.pinTimeoutMs)
    try {
      return pinJson(await ctx.service.pinAdd(parsed, { name, recursive, metadata, signal: AbortSignal.any([abortSignalOf(request), deadline]) }))
    } catch (err) {
      if (deadline.aborted) throw new TimeoutError(`pinning ${cid} did not finish within ${ctx.config.network.pinTimeoutMs} ms`, { cause: err })
      throw err
    }
  })

  app.delete<{ Params: { cid: string } }>('/api/v1/pins/:cid', {
    schema: { summary: 'Remove a pin', tags: ['pins'], params: { type: 'object', properties: { cid: { type: 'string' } } }, response: { 204: { type: 'null' }, '4xx': errorSchema } }
  }, async (request, reply) => {
    await ctx.service.pinRm(cidOf(request.params.cid), { signal: abortSignalOf(request) })
    return reply.status(204).send()
  })

  app.get<{ Querystring: { cid?: string } }>('/api/v1/pins', {
    schema: {
      summary: 'List pins',
      tags: ['pins'],
      querystring: { type: 'object', properties: { cid: { type: 'string', description: 'only this CID' } } },
      response: { 200: { type: 'object', properties: { pins: { type: 'array', items: pinSchema } } }, '4xx': errorSchema }
    }
  }, async (request) => {
    const cid = request.query.cid === undefined ? undefined : cidOf(request.query.cid)
    const pins = []
    for await (const pin of ctx.service.pinLs({ cid, signal: abortSignalOf(request) })) pins.push(pinJson(pin))
    return { pins }
  })
}
