/**
 * The IPFS Pinning Services API at `/pinning`, driven by the spec's own generated client
 * (`@ipfs-shipyard/pinning-service-client`), unchanged, against a running relay; every answer is validated against
 * the spec (../shared/specs/ipfs-pinning-service.yaml, copied into test/pinning/).
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { Configuration, RemotePinningServiceClient, Status, TextMatchingStrategy } from '@ipfs-shipyard/pinning-service-client'
import { Ajv } from 'ajv'
import formats from 'ajv-formats'
import { parse } from 'yaml'
import { expect } from 'vitest'
import { addBytes, startTestRelay } from '../relay/support.ts'
import type { PinStatus } from '@ipfs-shipyard/pinning-service-client'
import type { TestRelay } from '../relay/support.ts'

let relay: TestRelay
let client: RemotePinningServiceClient
let validate: (schema: 'PinStatus' | 'PinResults' | 'Failure', value: unknown) => void

beforeAll(async () => {
  relay = await startTestRelay({ 'cluster.heartbeatMs': 200 })
  client = new RemotePinningServiceClient(new Configuration({ endpointUrl: `${relay.url}/pinning` }))
  // the spec's descriptions are multi-line quoted scalars strict YAML parsers refuse; only `components.schemas` is needed
  const text = await readFile(new URL('./ipfs-pinning-service.yaml', import.meta.url), 'utf8')
  const schemas = text.slice(text.indexOf('\n  schemas:'), text.indexOf('\n  parameters:'))
  const spec = parse(`components:${schemas}`) as { components: { schemas: Record<string, object> } }
  const ajv = new Ajv({ strict: false, allErrors: true })
  formats.default(ajv)
  // the spec's schemas refer to each other as '#/components/schemas/X'
  ajv.addSchema({ $id: 'spec', components: spec.components })
  validate = (schema, value) => {
    const check = ajv.getSchema(`spec#/components/schemas/${schema}`)
    if (check === undefined) throw new Error(`no schema ${schema}`)
    // JSON round trip: the client turns `created` into a Date
    const ok = check(JSON.parse(JSON.stringify(value)))
    expect(ok, `${schema}: ${JSON.stringify(check.errors)}`).toBe(true)
  }
}, 60_000)

afterAll(async () => { await relay?.destroy() })

async function addRandom (): Promise<string> {
  return (await addBytes(relay.url, new Uint8Array(randomBytes(4000)), '?pin=false')).cid
}

async function waitForStatus (requestid: string, status: Status): Promise<PinStatus> {
  const deadline = Date.now() + 15_000
  for (;;) {
    const got = await client.pinsRequestidGet({ requestid })
    if (got.status === status || Date.now() > deadline) return got
    await new Promise(resolve => setTimeout(resolve, 150))
  }
}

describe('Pinning Services API (spec client)', () => {
  it('adds a pin: 202 queued or pinning, then pinned, with delegates that are this relay', async () => {
    const cid = await addRandom()
    const created = await client.pinsPost({ pin: { cid, name: 'spec-pin', meta: { app: 'tests' } } })
    validate('PinStatus', created)
    expect([Status.Queued, Status.Pinning, Status.Pinned]).toContain(created.status)
    expect(created.pin).toMatchObject({ cid, name: 'spec-pin', meta: { app: 'tests' } })
    expect(created.delegates.some(d => d.endsWith(`/p2p/${relay.node.libp2p.peerId.toString()}`))).toBe(true)
    const pinned = await waitForStatus(created.requestid, Status.Pinned)
    expect(pinned.status).toBe(Status.Pinned)
    validate('PinStatus', pinned)
    expect(relay.cluster?.status(cid).health).toBe('ok')
  })

  it('lists with filters: cid, name with match, status, meta, before/after and limit', async () => {
    const cids = [await addRandom(), await addRandom(), await addRandom()]
    const made: PinStatus[] = []
    for (const [i, cid] of cids.entries()) made.push(await client.pinsPost({ pin: { cid, name: `List-${i}`, meta: { batch: 'b1', i: String(i) } } }))
    for (const pin of made) await waitForStatus(pin.requestid, Status.Pinned)

    const byCid = await client.pinsGet({ cid: [cids[0] ?? ''] })
    validate('PinResults', byCid)
    expect(byCid.results.map(r => r.pin.cid)).toEqual([cids[0]])
    expect((await client.pinsGet({ name: 'list-1', match: TextMatchingStrategy.Iexact })).results.map(r => r.pin.cid)).toEqual([cids[1]])
    expect((await client.pinsGet({ name: 'list-1', match: TextMatchingStrategy.Exact })).count).toBe(0)
    expect((await client.pinsGet({ name: 'List-', match: TextMatchingStrategy.Partial, meta: { batch: 'b1' } })).count).toBe(3)
    expect((await client.pinsGet({ meta: { batch: 'b1', i: '2' } })).results.map(r => r.pin.cid)).toEqual([cids[2]])
    const limited = await client.pinsGet({ meta: { batch: 'b1' }, limit: 2 })
    expect(limited.count).toBe(3)
    expect(limited.results).toHaveLength(2)
    // newest first; `before` the newest's creation pages to the older ones
    const newest = limited.results[0]
    if (newest === undefined) throw new Error('no results')
    const older = await client.pinsGet({ meta: { batch: 'b1' }, before: newest.created })
    expect(older.results.every(r => r.created.getTime() < newest.created.getTime())).toBe(true)
    expect((await client.pinsGet({ meta: { batch: 'b1' }, after: new Date(Date.now() + 60_000) })).count).toBe(0)
    expect((await client.pinsGet({ meta: { batch: 'b1' }, status: [Status.Queued, Status.Failed] })).count).toBe(0)
  })

  it('gets, replaces (new request id, old CID unpinned) and removes a pin request', async () => {
    const [first, second] = [await addRandom(), await addRandom()]
    const created = await client.pinsPost({ pin: { cid: first, name: 'to-replace' } })
    await waitForStatus(created.requestid, Status.Pinned)
    const got = await client.pinsRequestidGet({ requestid: created.requestid })
    expect(got.pin.cid).toBe(first)

    const replaced = await client.pinsRequestidPost({ requestid: created.requestid, pin: { cid: second, name: 'replaced' } })
    validate('PinStatus', replaced)
    expect(replaced.requestid).not.toBe(created.requestid)
    expect(replaced.pin.cid).toBe(second)
    await waitForStatus(replaced.requestid, Status.Pinned)
    expect(relay.cluster?.state.pin(first)).toBeUndefined()
    await expect(client.pinsRequestidGet({ requestid: created.requestid })).rejects.toMatchObject({ status: 404 })

    await client.pinsRequestidDelete({ requestid: replaced.requestid })
    expect(relay.cluster?.state.pin(second)).toBeUndefined()
    await expect(client.pinsRequestidGet({ requestid: replaced.requestid })).rejects.toMatchObject({ status: 404 })
  })

  it('answers bad input and unknown requests with the spec\'s Failure object', async () => {
    const bad = await fetch(`${relay.url}/pinning/pins`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cid: 'not-a-cid' }) })
    expect(bad.status).toBe(400)
    const body = await bad.json()
    validate('Failure', body)
    expect(body).toMatchObject({ error: { reason: 'BAD_REQUEST' } })
    const missing = await fetch(`${relay.url}/pinning/pins/no-such-request`)
    expect(missing.status).toBe(404)
    validate('Failure', await missing.json())
    const badFilter = await fetch(`${relay.url}/pinning/pins?limit=5000`)
    expect(badFilter.status).toBe(400)
  })

  it('with API keys: a request needs a bearer token (spec 401), and each key sees only its own pins', async () => {
    const keyOf = async (name: string, admin?: string): Promise<string> => {
      const res = await fetch(`${relay.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', ...(admin === undefined ? {} : { authorization: `Bearer ${admin}` }) }, body: JSON.stringify({ name, role: name === 'admin' ? 'admin' : 'pinner' }) })
      if (!res.ok) throw new Error(`key: ${res.status} ${await res.text()}`)
      return (await res.json() as { key: string }).key
    }
    const admin = await keyOf('admin')
    const [alice, bob] = [await keyOf('alice', admin), await keyOf('bob', admin)]
    const denied = await fetch(`${relay.url}/pinning/pins`)
    expect(denied.status).toBe(401)
    validate('Failure', await denied.json())

    const asAlice = new RemotePinningServiceClient(new Configuration({ endpointUrl: `${relay.url}/pinning`, accessToken: alice }))
    const asBob = new RemotePinningServiceClient(new Configuration({ endpointUrl: `${relay.url}/pinning`, accessToken: bob }))
    const res = await fetch(`${relay.url}/api/v1/add?pin=false`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${admin}` }, body: new Uint8Array(randomBytes(3000)) })
    const { cid } = await res.json() as { cid: string }
    const mine = await asAlice.pinsPost({ pin: { cid, name: 'alice-pin' } })
    expect((await asAlice.pinsGet({ status: [Status.Queued, Status.Pinning, Status.Pinned] })).results.map(r => r.requestid)).toContain(mine.requestid)
    expect((await asBob.pinsGet({ status: [Status.Queued, Status.Pinning, Status.Pinned, Status.Failed] })).count).toBe(0)
    await expect(asBob.pinsRequestidGet({ requestid: mine.requestid })).rejects.toMatchObject({ status: 404 })
  })
})
