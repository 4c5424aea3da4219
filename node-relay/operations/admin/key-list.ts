import { z } from 'zod'
import { keysOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { keyInfo } from './key-shape.ts'

/** `key_list`: every API key, without secrets. */
export const keyList = defineOperation({
  name: 'key_list',
  title: 'List API keys',
  description: 'Every API key with its name, role, scopes, quota and when it was last used; never the secrets (they are stored only as salted hashes).',
  input: z.object({}),
  output: z.object({ keys: z.array(keyInfo).describe('newest first') }),
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'admin',
  requires: ['keys'],
  rest: { method: 'GET', path: '/api/v1/keys', tag: 'auth' },
  cli: { command: ['keys', 'ls'], custom: true },
  async run (components) {
    return { keys: keysOf(components).list() }
  }
})
