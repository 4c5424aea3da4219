import { OPERATIONS } from '../operations/index.ts'
import type { Scope } from '../../core/auth/scopes.ts'

/**
 * The scope each MCP tool needs (the same scopes as the REST routes that do the same thing). A tool missing here
 * cannot be registered on a server that checks scopes.
 */
export const TOOL_SCOPES: Record<string, Scope | 'public'> = {
  // every operation is a tool, with the operation's scope (node-relay/operations)
  ...Object.fromEntries(OPERATIONS.map(op => [op.name, op.scope])),
  ipfs_add: 'content:write',
  ipfs_cat: 'content:read',
  block_get: 'content:read',
  block_put: 'content:write',
  dag_get: 'content:read',
  dag_put: 'content:write',
  car_export: 'content:read',
  car_import: 'content:write',
}
