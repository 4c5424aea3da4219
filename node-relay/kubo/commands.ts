import type { Scope } from '../../core/auth/scopes.ts'

/** The Kubo RPC commands ipfs-kit answers, with the scope each needs (read by node-relay/auth/route-scopes.ts). */
export const KUBO_COMMANDS: Record<string, Scope | 'public'> = {
  add: 'content:write',
  cat: 'content:read',
  get: 'content:read',
  ls: 'content:read',
  refs: 'content:read',
  'block/get': 'content:read',
  'block/put': 'content:write',
  'block/stat': 'content:read',
  'block/rm': 'pins:write',
  'dag/get': 'content:read',
  'dag/put': 'content:write',
  'dag/export': 'content:read',
  'dag/import': 'content:write',
  'pin/add': 'pins:write',
  'pin/rm': 'pins:write',
  'pin/ls': 'content:read',
  id: 'public',
  version: 'public',
  'swarm/peers': 'content:read'
}

