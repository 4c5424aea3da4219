import { z } from 'zod'
import { keysOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { keyInfo } from './key-shape.ts'

/** `key_create`: a new API key, shown once. */
export const keyCreate = defineOperation({
  name: 'key_create',
  title: 'Create an API key',
  description: 'Create an API key from a built-in role (admin, writer, pinner, reader) or a list of scopes. The key is in the answer once and is stored only as a salted hash.',
  input: z.object({
    name: z.string().min(1).max(64).describe('who or what the key is for'),
    role: z.string().max(32).optional().describe('admin, writer, pinner or reader'),
    scopes: z.array(z.string().max(128)).max(64).optional().describe('scopes instead of a role, e.g. content:read, storage:s3:write'),
    ttlSeconds: z.number().int().min(1).optional().describe('seconds until it expires'),
    quotaBytes: z.number().int().min(1).optional().describe('most bytes the key may add (507 ERR_QUOTA_EXCEEDED past it)'),
    requestsPerMinute: z.number().int().min(1).optional().describe('this key\'s rate, instead of limits.requestsPerMinutePerKey')
  }),
  output: z.object({ key: z.string().describe('the secret: shown this once'), info: keyInfo.describe('the key as listed') }),
  annotations: { readOnly: false, destructive: false, idempotent: false, openWorld: false },
  scope: 'admin',
  requires: ['keys'],
  rest: { method: 'POST', path: '/api/v1/keys', status: 201, tag: 'auth' },
  cli: { command: ['keys', 'create'], custom: true },
  async run (components, input) {
    const { ttlSeconds, ...rest } = input
    return await keysOf(components).create({ ...rest, ttlMs: ttlSeconds === undefined ? undefined : ttlSeconds * 1000 })
  }
})
