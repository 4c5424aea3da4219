import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addBytes, startTestRelay } from '../relay/support.ts'
import { destroyRelay, randomBytes, relayClusterFlags, waitFor } from './support.ts'
import { callOk, call as mcpCall, connectHttp, errorCodeOf } from '../mcp/support.ts'
import { runCli } from '../support/surfaces.ts'
import type { TestRelay } from '../relay/support.ts'

async function call (url: string, method: string, body?: unknown): Promise<{ status: number, json: Record<string, unknown> }> {
  const res = await fetch(url, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) })
  const text = await res.text()
  return { status: res.status, json: text === '' ? {} : JSON.parse(text) as Record<string, unknown> }
}

describe('cluster REST API', () => {
  let solo: TestRelay
  let follower: TestRelay
  let disabled: TestRelay

  beforeAll(async () => {
    // the default config: a solo cluster, no secret, no trusted peers
    solo = await startTestRelay({ 'cluster.heartbeatMs': 200, 'cluster.pinTimeoutMs': 3000 })
    follower = await startTestRelay(relayClusterFlags({ 'cluster.secret': undefined as unknown as string, 'cluster.trustedPeers': ['12D3KooWLa5HDVMz2RbaXAb2sEu6fQmxQDm8sbCwDxVWK6tsDQ8r'] }))
    disabled = await startTestRelay({ 'cluster.enabled': false })
  }, 30_000)

  afterAll(async () => {
    await Promise.all([solo, follower, disabled].map(async r => destroyRelay(r)))
  }, 30_000)

  it('pins, lists, shows status per CID, recovers and unpins', async () => {
    const { cid } = await addBytes(solo.url, randomBytes(5000), '?pin=false')
    const pinned = await call(`${solo.url}/api/v1/cluster/pins`, 'POST', { cid, name: 'doc', replicationMin: 1, replicationMax: 2, tags: ['a'], metadata: { k: 'v' } })
    expect(pinned.status).toBe(200)
    expect(pinned.json).toMatchObject({ cid, name: 'doc', pin: { allocations: [solo.node.libp2p.peerId.toString()] } })
    await waitFor(async () => (await call(`${solo.url}/api/v1/cluster/pins/${cid}`, 'GET')).json.health === 'ok', 10_000, 'pinned')
    const list = await call(`${solo.url}/api/v1/cluster/pins`, 'GET')
    expect((list.json.pins as Array<{ cid: string }>).map(p => p.cid)).toContain(cid)
    const peers = await call(`${solo.url}/api/v1/cluster/peers`, 'GET')
    expect(peers.json.peers).toEqual([expect.objectContaining({ peerId: solo.node.libp2p.peerId.toString(), kind: 'relay', self: true, live: true })])
    const info = await call(`${solo.url}/api/v1/cluster`, 'GET')
    expect(info.json).toMatchObject({ name: 'ipfs-kit', writer: true, pins: 1 })
    const recovered = await call(`${solo.url}/api/v1/cluster/pins/${cid}/recover`, 'POST')
    expect(recovered.status).toBe(200)
    expect((await call(`${solo.url}/api/v1/cluster/pins/${cid}`, 'DELETE')).status).toBe(200)
    await waitFor(async () => (await call(`${solo.url}/api/v1/cluster/pins/${cid}`, 'GET')).json.peers !== undefined && ((await call(`${solo.url}/api/v1/cluster/pins/${cid}`, 'GET')).json.peers as Record<string, { state: string }>)[solo.node.libp2p.peerId.toString()]?.state === 'unpinned', 10_000, 'unpinned')
    const metrics = await (await fetch(`${solo.url}/metrics`)).text()
    expect(metrics).toMatch(/ipfs_kit_cluster_pins 0/)
    expect(metrics).toMatch(/ipfs_kit_cluster_local_pin_states\{state="unpinned"\} 1/)
  }, 30_000)

  it('answers malformed requests with typed 4xx errors', async () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/v1/cluster/pins', {}, 400, 'ERR_INVALID_INPUT'],
      ['POST', '/api/v1/cluster/pins', { cid: 'not-a-cid' }, 400, 'ERR_INVALID_CID'],
      ['POST', '/api/v1/cluster/pins', { cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', replicationMin: 0 }, 400, 'ERR_INVALID_INPUT'],
      ['POST', '/api/v1/cluster/pins', { cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', replicationMin: 3, replicationMax: 2 }, 400, 'ERR_INVALID_INPUT'],
      ['POST', '/api/v1/cluster/pins', { cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', allocations: ['not-a-peer'] }, 400, 'ERR_INVALID_INPUT'],
      ['POST', '/api/v1/cluster/pins', { cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', surprise: 1 }, 400, 'ERR_INVALID_INPUT'],
      ['GET', '/api/v1/cluster/pins/not-a-cid', undefined, 400, 'ERR_INVALID_CID'],
      ['GET', '/api/v1/cluster/pins/bafkreidjq6c5e2wdrlvwh6zhfcmnbqcrw5pi5vstl2hhbq7gctvnm2q3yq', undefined, 404, 'ERR_NOT_FOUND'],
      ['DELETE', '/api/v1/cluster/pins/bafkreidjq6c5e2wdrlvwh6zhfcmnbqcrw5pi5vstl2hhbq7gctvnm2q3yq', undefined, 404, 'ERR_NOT_FOUND'],
      ['POST', '/api/v1/cluster/pins/bafkreidjq6c5e2wdrlvwh6zhfcmnbqcrw5pi5vstl2hhbq7gctvnm2q3yq/recover', undefined, 404, 'ERR_NOT_FOUND']
    ]
    for (const [method, path, body, status, code] of cases) {
      const res = await call(`${solo.url}${path}`, method, body)
      expect({ method, path, status: res.status, code: res.json.code }).toEqual({ method, path, status, code })
    }
  })

  it('a follower answers writes with ERR_CLUSTER_READ_ONLY; a relay without a cluster with ERR_CLUSTER_DISABLED', async () => {
    const body = { cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' }
    const readOnly = await call(`${follower.url}/api/v1/cluster/pins`, 'POST', body)
    expect([readOnly.status, readOnly.json.code]).toEqual([403, 'ERR_CLUSTER_READ_ONLY'])
    expect((await call(`${follower.url}/api/v1/cluster/peers`, 'GET')).status).toBe(200)
    const off = await call(`${disabled.url}/api/v1/cluster/peers`, 'GET')
    expect([off.status, off.json.code]).toEqual([503, 'ERR_CLUSTER_DISABLED'])
  })

  it('compacts the state on demand (REST and CLI): a new generation, the same pinset, a smaller state', async () => {
    const cids: string[] = []
    for (let i = 0; i < 30; i++) cids.push((await addBytes(solo.url, randomBytes(100), '?pin=false')).cid)
    for (const cid of cids) expect((await call(`${solo.url}/api/v1/cluster/pins`, 'POST', { cid })).status).toBe(200)
    for (const cid of cids.slice(0, 25)) expect((await call(`${solo.url}/api/v1/cluster/pins/${cid}`, 'DELETE')).status).toBe(200)
    const before = await call(`${solo.url}/api/v1/cluster`, 'GET')
    const compacted = await call(`${solo.url}/api/v1/cluster/compact`, 'POST')
    expect(compacted.status).toBe(200)
    expect(compacted.json.generation).toBe((before.json.generation as number) + 1)
    expect(compacted.json.afterBytes).toBeLessThan(compacted.json.beforeBytes as number)
    const after = await call(`${solo.url}/api/v1/cluster`, 'GET')
    expect(after.json).toMatchObject({ generation: compacted.json.generation, pins: before.json.pins })
    const listed = ((await call(`${solo.url}/api/v1/cluster/pins`, 'GET')).json.pins as Array<{ cid: string }>).map(p => p.cid)
    for (const cid of cids.slice(25)) expect(listed).toContain(cid)

    const cli = await runCli(solo.url, ['cluster', 'compact'])
    expect(cli.exit).toBe(0)
    expect(cli.stdout).toMatch(new RegExp(`^state generation ${(compacted.json.generation as number) + 1}: [0-9.]+ MiB → [0-9.]+ MiB`))
    const readOnly = await call(`${follower.url}/api/v1/cluster/compact`, 'POST')
    expect([readOnly.status, readOnly.json.code]).toEqual([403, 'ERR_CLUSTER_READ_ONLY'])
  }, 30_000)

  it('MCP: cluster_pin, cluster_status and cluster_peers over the relay\'s /mcp', async () => {
    const client = await connectHttp(solo.url)
    try {
      const { cid } = await addBytes(solo.url, randomBytes(3000), '?pin=false')
      const pinned = await callOk<{ cid: string, pin: { allocations: string[] } }>(client, 'cluster_pin', { cid, name: 'mcp', replicationMin: 1 })
      expect(pinned).toMatchObject({ cid, pin: { allocations: [solo.node.libp2p.peerId.toString()] } })
      await waitFor(async () => (await callOk<{ health: string }>(client, 'cluster_status', { cid })).health === 'ok', 10_000, 'pinned via MCP')
      const { pins } = await callOk<{ pins: Array<{ cid: string }> }>(client, 'cluster_pins')
      expect(pins.map(p => p.cid)).toContain(cid)
      const peers = await callOk<{ peers: Array<{ self: boolean }> }>(client, 'cluster_peers')
      expect(peers.peers).toEqual([expect.objectContaining({ self: true, kind: 'relay' })])
      expect(errorCodeOf(await mcpCall(client, 'cluster_pin', { cid: 'nope' }))).toBe('ERR_INVALID_CID')
    } finally {
      await client.close()
    }
  }, 30_000)
})
