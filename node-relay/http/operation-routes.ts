import { z } from 'zod'
import { OPERATIONS } from '../operations/index.ts'
import { coerceTextInput, inputFields, parseInput } from '../operations/input.ts'
import { demandScope } from './auth-guard.ts'
import { errorSchema } from './errors.ts'
import { abortSignalOf } from './routes/content.ts'
import type { AnyOperation, OperationComponents } from '../operations/operation.ts'
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
    ...(hasRest ? { [op.rest.method === 'POST' ? 'body' : 'querystring']: jsonSchemaOf(rest, 'input') } : {}),
    response: { [status]: jsonSchemaOf(op.output, 'output'), '4xx': errorSchema, '5xx': errorSchema }
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
  if (op.rest.method === 'POST') {
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
    serializerCompiler: () => (data: unknown) => JSON.stringify(data),
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const input = parseInput(op, rawInputOf(op, request), op.rest.method === 'POST')
      const output = await op.run(components, input, {
        signal: abortSignalOf(request, reply),
        demand: (scope) => { demandScope(request, scope) },
        caller: request.principal?.name
      })
      return reply.status(op.rest.status ?? 200).send(output)
    }
  })
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
    clusterSecret: ctx.config.cluster.secret
  }
}
