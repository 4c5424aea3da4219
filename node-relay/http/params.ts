import { parseCid, parseIpfsPath } from '../../core/content/cid.ts'
import type { CID } from 'multiformats/cid'

/** Route params of `/:cid/*` style routes. */
export interface CidPathParams {
  cid: string
  '*'?: string
}

/** The target (`cid` or `cid/path`) of a `/:cid/*` route, validated. */
export function targetOf (params: CidPathParams): { cid: CID, path: string, target: string } {
  const rest = (params['*'] ?? '').replace(/^\/+|\/+$/g, '')
  const { cid } = parseIpfsPath(params.cid)
  const target = rest === '' ? cid.toString() : `${cid.toString()}/${rest}`
  return { cid, path: rest, target }
}

/** A single CID param, validated. */
export function cidOf (value: string): CID {
  return parseCid(value)
}

/** JSON schema of `/:cid/*` params (for OpenAPI). */
export const cidPathParamsSchema = {
  type: 'object',
  required: ['cid'],
  properties: {
    cid: { type: 'string', description: 'a CID (v0 or v1, any multibase)' },
    '*': { type: 'string', description: 'optional path inside a directory' }
  }
} as const

/** A `/:cid` route and its `/:cid/*` twin (Fastify's wildcard needs the slash). */
export function withOptionalPath (base: string): string[] {
  return [base, `${base}/*`]
}
