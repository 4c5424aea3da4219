import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OPERATIONS } from '../../node-relay/operations/index.ts'
import { TOOL_SCOPES } from '../../node-relay/auth/tool-scopes.ts'
import { buildMcpServer } from '../../node-relay/mcp/server.ts'
import { FilecoinChainWatch } from '../../node-relay/storage/filecoin/chain-watch.ts'
import { LotusClient } from '../../node-relay/storage/filecoin/lotus.ts'
import { call, callOk, connectHttp, errorCodeOf } from '../mcp/support.ts'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

async function createKey (relay: TestRelay, body: object, admin?: string): Promise<string> {
  const res = await fetch(`${relay.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', ...admin === undefined ? {} : { authorization: `Bearer ${admin}` } }, body: JSON.stringify(body) })
  expect(res.status).toBe(201)
  return (await res.json() as { key: string }).key
}

describe('MCP over HTTP with API keys', () => {
  let relay: TestRelay
  let admin: string
  let reader: string

  beforeAll(async () => {
    relay = await startTestRelay()
    admin = await createKey(relay, { name: 'admin', role: 'admin' })
    reader = await createKey(relay, { name: 'reader', role: 'reader' }, admin)
  })
  afterAll(async () => { await relay?.destroy() })

  it('refuses a client without a key once keys exist', async () => {
    await expect(connectHttp(relay.url)).rejects.toThrow(/401|Unauthorized/i)
    await expect(connectHttp(relay.url, { authorization: 'Bearer ik_0000000000_notarealsecretnotarealsecretnotareal' })).rejects.toThrow(/401|Unauthorized/i)
  })

  it('checks each tool against the key\'s scopes: a reader lists pins but cannot add (ERR_FORBIDDEN)', async () => {
    const client = await connectHttp(relay.url, { authorization: `Bearer ${reader}` })
    try {
      await callOk(client, 'pin_ls')
      const add = await call(client, 'ipfs_add', { text: 'hello from an agent' })
      expect(add.isError).toBe(true)
      expect(errorCodeOf(add)).toBe('ERR_FORBIDDEN')
    } finally {
      await client.close()
    }
    const writer = await connectHttp(relay.url, { authorization: `Bearer ${admin}` })
    try {
      const added = await callOk<{ cid: string }>(writer, 'ipfs_add', { text: 'hello from an agent' })
      expect(added.cid).toMatch(/^baf/)
    } finally {
      await writer.close()
    }
  })

  it('declares a scope for every tool (a tool without one cannot be registered)', () => {
    const server = buildMcpServer({ service: relay.service, search: relay.search, storage: relay.storage.manager, cluster: relay.cluster, migration: relay.migration, registry: relay.registry, stats: relay.stats, filecoin: new FilecoinChainWatch({ lotus: new LotusClient({ url: 'http://127.0.0.1:1' }), endpoint: 'http://127.0.0.1:1', providers: [] }), scopes: ['*'] })
    const registered = Object.keys((server as unknown as { _registeredTools: Record<string, unknown> })._registeredTools)
    // built without a key store, an audit log and invitations: only the operations that need them are missing
    const needsAdmin = OPERATIONS.filter(op => (op.requires ?? []).some(r => r === 'keys' || r === 'audit' || r === 'invitations')).map(op => op.name)
    expect(registered.sort()).toEqual(Object.keys(TOOL_SCOPES).filter(name => !needsAdmin.includes(name)).sort())
  })
})
