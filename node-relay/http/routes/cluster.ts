import { ClusterDisabledError } from '../../../core/cluster/index.ts'
import { NotFoundError } from '../../../core/errors/index.ts'
import { errorSchema } from '../errors.ts'
import { nameSchema } from '../params.ts'
import type { Cluster, ClusterPinOptions } from '../../../core/cluster/index.ts'
import type { HttpContext } from '../context.ts'
import type { FastifyInstance } from 'fastify'

const metadataSchema = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } } as const
const stringList = { type: 'array', items: { type: 'string' } } as const

const peerStatusSchema = {
  type: 'object',
  properties: {
    state: { type: 'string', enum: ['queued', 'pinning', 'pinned', 'error', 'unpin_queued', 'unpinning', 'unpinned', 'remote'] },
    error: { type: 'string' },
    at: { type: 'number' }
  }
} as const

const pinSchema = {
  type: 'object',
  properties: {
    cid: { type: 'string' }, name: { type: 'string' }, replicationMin: { type: 'integer' }, replicationMax: { type: 'integer' },
    allocations: stringList, tags: stringList, expireAt: { type: 'number' }, metadata: metadataSchema,
    addedAt: { type: 'number' }, addedBy: { type: 'string' }, recoverAt: { type: 'number' }
  }
} as const

const cidStatusSchema = {
  type: 'object',
  properties: {
    cid: { type: 'string' },
    name: { type: 'string' },
    pin: pinSchema,
    peers: { type: 'object', additionalProperties: peerStatusSchema, description: 'state per peer id' },
    health: { type: 'string', enum: ['ok', 'under_replicated', 'error', 'pending'] },
    pinnedCount: { type: 'integer' }
  }
} as const

const peerSchema = {
  type: 'object',
  properties: {
    peerId: { type: 'string' }, kind: { type: 'string', enum: ['browser', 'relay'] }, freeSpace: { type: 'number' }, pinnedBytes: { type: 'number' },
    tags: stringList, lastSeen: { type: 'number' }, addrs: stringList, self: { type: 'boolean' }, live: { type: 'boolean' }, silentMs: { type: 'number' },
    mark: { type: 'object', properties: { cid: { type: 'string' }, reason: { type: 'string' }, by: { type: 'string' }, at: { type: 'number' } } }
  }
} as const

const cidParams = { type: 'object', required: ['cid'], properties: { cid: { type: 'string', description: 'a CID' } } } as const

interface PinBody extends ClusterPinOptions { cid: string }

function clusterOf (ctx: HttpContext): Cluster {
  if (ctx.cluster === undefined) throw new ClusterDisabledError('this relay runs without a cluster (cluster.enabled is false)')
  return ctx.cluster
}

/** REST routes of the cluster: peers, the pinset (pin, unpin, list), status of one CID, recover. */
export function clusterRoutes (app: FastifyInstance, ctx: HttpContext): void {
  app.get('/api/v1/cluster', {
    schema: {
      summary: 'This peer\'s view of the cluster', tags: ['cluster'],
      response: { 200: { type: 'object', properties: { name: { type: 'string' }, peerId: { type: 'string' }, writer: { type: 'boolean' }, peers: { type: 'integer' }, livePeers: { type: 'integer' }, pins: { type: 'integer' }, unhealthyPins: { type: 'integer' } } }, '5xx': errorSchema }
    }
  }, async () => {
    const cluster = clusterOf(ctx)
    const peers = cluster.peers()
    return { name: cluster.name, peerId: cluster.peerId, writer: cluster.writer, peers: peers.length, livePeers: peers.filter(p => p.live).length, pins: cluster.state.pinCount, unhealthyPins: cluster.statusAll().filter(s => s.health !== 'ok').length }
  })

  app.get('/api/v1/cluster/peers', {
    schema: { summary: 'Cluster peers and their metrics', tags: ['cluster'], response: { 200: { type: 'object', properties: { peers: { type: 'array', items: peerSchema } } }, '5xx': errorSchema } }
  }, async () => ({ peers: clusterOf(ctx).peers() }))

  app.get('/api/v1/cluster/pins', {
    schema: { summary: 'The cluster pinset, with each pin\'s status across peers', tags: ['cluster'], response: { 200: { type: 'object', properties: { pins: { type: 'array', items: cidStatusSchema } } }, '5xx': errorSchema } }
  }, async () => ({ pins: clusterOf(ctx).statusAll() }))

  app.post<{ Body: PinBody }>('/api/v1/cluster/pins', {
    schema: {
      summary: 'Pin a CID in the cluster',
      description: 'Allocates the pin to peers (relays first, then by tags, load and free space); each allocated peer fetches and pins it. Returns at once: poll the status.',
      tags: ['cluster'],
      body: {
        type: 'object',
        required: ['cid'],
        additionalProperties: false,
        properties: {
          cid: { type: 'string', minLength: 1 },
          name: nameSchema,
          replicationMin: { type: 'integer', minimum: 1 },
          replicationMax: { type: 'integer', minimum: -1 },
          allocations: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 256 },
          tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, maxItems: 64 },
          expireAt: { type: 'number', exclusiveMinimum: 0, description: 'epoch milliseconds' },
          metadata: metadataSchema
        }
      },
      response: { 200: cidStatusSchema, '4xx': errorSchema, '5xx': errorSchema }
    }
  }, async (request) => {
    const cluster = clusterOf(ctx)
    const { cid, ...options } = request.body
    const pin = await cluster.pin(cid, options)
    return cluster.status(pin.cid)
  })

  app.get<{ Params: { cid: string } }>('/api/v1/cluster/pins/:cid', {
    schema: { summary: 'Status of one CID across all peers', tags: ['cluster'], params: cidParams, response: { 200: cidStatusSchema, '4xx': errorSchema, '5xx': errorSchema } }
  }, async (request) => {
    const status = clusterOf(ctx).status(request.params.cid)
    if (status.pin === undefined && Object.keys(status.peers).length === 0) throw new NotFoundError(`${status.cid} is not in the cluster pinset`)
    return status
  })

  app.delete<{ Params: { cid: string } }>('/api/v1/cluster/pins/:cid', {
    schema: { summary: 'Remove a pin from the cluster (every peer unpins it)', tags: ['cluster'], params: cidParams, response: { 204: { type: 'null' }, '4xx': errorSchema, '5xx': errorSchema } }
  }, async (request, reply) => {
    await clusterOf(ctx).unpin(request.params.cid)
    return reply.status(204).send()
  })

  app.post<{ Params: { cid: string } }>('/api/v1/cluster/pins/:cid/recover', {
    schema: { summary: 'Retry a pin in error and move allocations off silent or failing peers', tags: ['cluster'], params: cidParams, response: { 200: cidStatusSchema, '4xx': errorSchema, '5xx': errorSchema } }
  }, async (request) => clusterOf(ctx).recover(request.params.cid))
}
