import { z } from 'zod'
import { keysOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { keyInfo } from './key-shape.ts'

/** `key_revoke`: a key stops working at once. */
export const keyRevoke = defineOperation({
  name: 'key_revoke',
  title: 'Revoke an API key',
  description: 'Revoke an API key by its id (or the key itself): every request with it is refused from now on. ERR_NOT_FOUND for an unknown id.',
  input: z.object({ id: z.string().min(1).max(256).describe('the key\'s id, or the key') }),
  output: keyInfo,
  annotations: { readOnly: false, destructive: true, idempotent: true, openWorld: false },
  scope: 'admin',
  requires: ['keys'],
  rest: { method: 'DELETE', path: '/api/v1/keys/:id', tag: 'auth' },
  cli: { command: ['keys', 'revoke'], custom: true },
  async run (components, input) {
    return await keysOf(components).revoke(input.id)
  }
})
