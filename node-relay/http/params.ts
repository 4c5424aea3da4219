import { parseCid, parseIpfsPath } from '../../core/content/cid.ts'
import { InvalidInputError } from '../../core/errors/index.ts'
import type { CID } from 'multiformats/cid'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

/** A `name` query or body field: no control characters (they would break headers and listings). */
export const nameSchema = { type: 'string', maxLength: 255, pattern: '^[^\\u0000-\\u001f\\u007f]*$' } as const

/** Route params of `/:cid/*` style routes. */
export interface CidPathParams {
  cid: string
  '*'?: string
}

/** The target (`cid` or `cid/path`) of a `/:cid/*` route, validated. */
export function targetOf (params: CidPathParams): { cid: CID, path: string, target: string } {
  const rest = (params['*'] ?? '').replace(/^\/+|\/+$/g, '')
  // no UnixFS name we serve holds a control character, and they cannot be echoed in headers (X-Ipfs-Path)
  if (CONTROL.test(rest)) throw new InvalidInputError('the path holds a control character (CR, LF, NUL...)')
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
