import { InvalidInputError } from '../../../core/errors/index.ts'
import { blockTooLarge } from '../../../core/blocks/limits.ts'
import { errorSchema } from '../errors.ts'
import { cidOf } from '../params.ts'
import { readBody } from '../stream.ts'
import { abortSignalOf } from './content.ts'
import type { HttpContext } from '../context.ts'
import type { FastifyInstance } from 'fastify'

const CODECS: Record<string, number> = { raw: 0x55, 'dag-pb': 0x70, 'dag-cbor': 0x71, 'dag-json': 0x0129 }

/** REST routes for raw blocks: get, put, stat. */
export function blockRoutes (app: FastifyInstance, ctx: HttpContext): void {
  app.get<{ Params: { cid: string } }>('/api/v1/blocks/:cid', {
    schema: { summary: 'Get a block\'s bytes (verified)', tags: ['blocks'], params: { type: 'object', properties: { cid: { type: 'string' } } }, response: { '4xx': errorSchema } }
  }, async (request, reply) => {
    const cid = cidOf(request.params.cid)
    const bytes = await ctx.service.blockGet(cid, { signal: abortSignalOf(request) })
    return reply.type('application/vnd.ipld.raw').header('etag', `"${cid.toString()}.raw"`).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  })

  app.post<{ Querystring: { cid?: string, codec?: string } }>('/api/v1/blocks', {
    schema: {
      summary: 'Put a block',
      description: 'Body: the block bytes (application/octet-stream). With `cid`, the bytes are verified against it; otherwise a CIDv1 (sha2-256, `codec`) is computed.',
      tags: ['blocks'],
      querystring: { type: 'object', properties: { cid: { type: 'string' }, codec: { type: 'string', enum: Object.keys(CODECS), default: 'raw' } } },
      response: { 200: { type: 'object', properties: { cid: { type: 'string' }, size: { type: 'number' } } }, '4xx': errorSchema }
    }
  }, async (request) => {
    const limit = ctx.service.content.maxBlockSize
    const cid = request.query.cid === undefined ? undefined : cidOf(request.query.cid)
    const body = request.body
    if (body === null || typeof body !== 'object' || !(Symbol.asyncIterator in body)) {
      throw new InvalidInputError('send the block\'s bytes as application/octet-stream (or application/vnd.ipld.raw)')
    }
    const bytes = await readBody(body as AsyncIterable<Uint8Array>, limit, size => blockTooLarge(cid, size, limit))
    const stat = await ctx.service.blockPut(bytes, { cid, codec: CODECS[request.query.codec ?? 'raw'] })
    return { cid: stat.cid.toString(), size: stat.size }
  })
}
