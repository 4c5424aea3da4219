/**
 * The registry through the cluster: a model registered on one relay before a second relay joins is seen by the
 * second (the state's initial sync), an alias moved on the second is seen by the first, and a dataset removed on
 * one is gone on the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import { destroyRelay, relayClusterFlags, tcpAddrs, waitFor } from '../cluster/support.ts'
import type { TestRelay } from '../relay/support.ts'

let first: TestRelay
let second: TestRelay | undefined

async function addDirectory (url: string, files: Record<string, string>): Promise<string> {
  const form = new FormData()
  for (const [name, content] of Object.entries(files)) form.append('file', new Blob([content]), name)
  const res = await fetch(`${url}/api/v1/add?wrap=true`, { method: 'POST', body: form })
  return (await res.json() as { cid: string }).cid
}

async function post (url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return await res.json() as Record<string, unknown>
}

async function productionOf (url: string): Promise<number | undefined> {
  const res = await fetch(`${url}/api/v1/models/shared@production`)
  if (!res.ok) return undefined
  return (await res.json() as { resolved: { version: number } }).resolved.version
}

beforeAll(async () => {
  first = await startTestRelay(relayClusterFlags())
}, 60_000)

afterAll(async () => {
  if (second !== undefined) await destroyRelay(second)
  await destroyRelay(first)
})

describe('registry replicated through the cluster', () => {
  it('shows a second relay what the first registered, and the first what the second moved', async () => {
    const v1 = await addDirectory(first.url, { 'model.onnx': 'weights one' })
    const v2 = await addDirectory(first.url, { 'model.onnx': 'weights two' })
    await post(first.url, '/api/v1/models/shared/versions', { cid: v1, alias: 'production' })
    await post(first.url, '/api/v1/models/shared/versions', { cid: v2 })
    const data = await addDirectory(first.url, { 'train.jsonl': '{"a": 1}\n' })
    await post(first.url, '/api/v1/datasets/shared-data/versions', { cid: data })

    second = await startTestRelay(relayClusterFlags({ 'libp2p.bootstrap': tcpAddrs(first) }))
    const joined = second
    await waitFor(async () => await productionOf(joined.url) === 1, 20_000, 'the second relay to see shared@production')
    const listed = await (await fetch(`${joined.url}/api/v1/models`)).json() as { items: Array<{ name: string, versions: unknown[] }> }
    expect(listed.items.map(i => [i.name, i.versions.length])).toEqual([['shared', 2]])

    await post(joined.url, '/api/v1/models/shared/aliases/production', { version: 2 })
    await waitFor(async () => await productionOf(first.url) === 2, 20_000, 'the first relay to see the alias moved')
    const history = await (await fetch(`${first.url}/api/v1/models/shared`)).json() as { aliases: Array<{ history: Array<{ version: number }> }> }
    expect(history.aliases[0]?.history.map(h => h.version)).toEqual([1, 2])
    // each relay holds the other's records with the writer's signature, verified when they were applied
    expect(joined.registry.get('model/shared/v/1')?.signature?.by).toBe(first.node.libp2p.peerId.toString())
    expect(first.registry.get('model/shared/a/production')?.signature?.by).toBe(joined.node.libp2p.peerId.toString())
    expect([first.registry.rejected, joined.registry.rejected]).toEqual([0, 0])

    const removed = await fetch(`${joined.url}/api/v1/datasets/shared-data@1`, { method: 'DELETE' })
    expect(removed.status).toBe(200)
    await waitFor(async () => (await fetch(`${first.url}/api/v1/datasets/shared-data`)).status === 404, 20_000, 'the removal to reach the first relay')
  }, 90_000)

  it('keeps both versions when the two relays register the same name at the same moment', async () => {
    const joined = second
    if (joined === undefined) throw new Error('the first test starts the second relay')
    const [onFirst, onSecond] = await Promise.all([
      addDirectory(first.url, { 'model.onnx': 'raced from the first relay' }),
      addDirectory(joined.url, { 'model.onnx': 'raced from the second relay' })
    ])
    // both before either hears of the other: both may take version 1, and one of them loses the number
    await Promise.all([
      post(first.url, '/api/v1/models/raced/versions', { cid: onFirst, alias: 'production' }),
      post(joined.url, '/api/v1/models/raced/versions', { cid: onSecond, alias: 'production' })
    ])
    const versionsOn = async (url: string): Promise<string[]> => {
      const res = await fetch(`${url}/api/v1/models/raced`)
      if (!res.ok) return []
      const body = await res.json() as { versions: Array<{ version: number, cid: string }> }
      return body.versions.sort((x, y) => x.version - y.version).map(v => `${v.version}:${v.cid}`)
    }
    await waitFor(async () => {
      const [a, b] = [await versionsOn(first.url), await versionsOn(joined.url)]
      return a.length === 2 && a.join() === b.join()
    }, 20_000, 'both relays to hold both raced versions, numbered alike')
    const cids = (await versionsOn(first.url)).map(v => v.split(':')[1]).sort()
    expect(cids).toEqual([onFirst, onSecond].sort())
    await waitFor(async () => {
      const resolved = await Promise.all([first.url, joined.url].map(async url => (await (await fetch(`${url}/api/v1/models/raced@production`)).json() as { resolved: { cid: string } }).resolved.cid))
      return resolved[0] === resolved[1]
    }, 20_000, 'production to resolve to the same version on both relays')
  }, 60_000)
})
