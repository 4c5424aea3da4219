/**
 * Two relays of one cluster sharing an S3 bucket (s3rver): a migration on one is visible in the other's reference
 * index (mirrored through the cluster's replicated state), and the other serves the content from its new location
 * after the first relay dropped every block of it. A removal of a copy reaches the other relay too.
 */
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addBytes } from '../relay/support.ts'
import { startRelays } from '../cluster/support.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { startS3Server } from '../storage/s3-support.ts'
import type { TestRelay } from '../relay/support.ts'
import type { S3Server } from '../storage/s3-support.ts'

const KEY_ENV = 'SHARED_REFS_S3_KEY'
const SECRET_ENV = 'SHARED_REFS_S3_SECRET'

async function json<T> (res: Response): Promise<T> {
  const text = await res.text()
  if (!res.ok) throw new Error(`${res.status}: ${text}`)
  return JSON.parse(text) as T
}

async function eventually<T> (read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

type Refs = { references: Array<{ backend: string, state: string }> }

describe('the reference index shared by the relays of a cluster', () => {
  let s3: S3Server
  let a: TestRelay
  let b: TestRelay

  beforeAll(async () => {
    s3 = await startS3Server('shared-refs')
    process.env[KEY_ENV] = 'S3RVER'
    process.env[SECRET_ENV] = 'S3RVER'
    const backends = [{ kind: 'local', name: 'local' }, { kind: 's3', name: 's3', bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, prefix: 'shared', accessKeyIdEnv: KEY_ENV, secretAccessKeyEnv: SECRET_ENV }]
    const relays = await startRelays(2, { 'storage.backends': backends as never, 'migration.intervalMs': 0 })
    a = relays[0] as TestRelay
    b = relays[1] as TestRelay
  }, 60_000)
  afterAll(async () => {
    await b?.destroy()
    await a?.destroy()
    await s3?.stop().catch(() => {})
  })

  it('a migration on one relay is in the other\'s index, and the other serves the content from S3', async () => {
    const bytes = pseudoRandomBytes(500_000, 77)
    const { cid } = await addBytes(a.url, bytes, '?name=shared.bin')
    const post = async (url: string, body: unknown): Promise<unknown> => json(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }))
    await post(`${a.url}/api/v1/policies`, { policy: { name: 'to-s3', action: 'move', to: ['s3'], enabled: false } })
    await post(`${a.url}/api/v1/migrations`, { cids: [cid], policies: ['to-s3'] })
    await eventually(async () => json<{ jobs: Array<{ state: string }> }>(await fetch(`${a.url}/api/v1/migrations`)), s => s.jobs.length > 0 && s.jobs.every(j => j.state === 'done'), 'jobs on A')

    const onB = await eventually(async () => json<Refs>(await fetch(`${b.url}/api/v1/storage/${cid}/references`)), r => r.references.some(x => x.backend === 's3'), 'the S3 reference on B')
    expect(onB.references.map(r => [r.backend, r.state])).toEqual([['s3', 'ok']]) // A's local copy is A's business

    // A drops every block; B never held any: B reads it back from S3, verified
    await post(`${a.url}/api/v1/gc`, {})
    expect(await b.node.blockstore.has(CID.parse(cid))).toBe(false)
    const served = await fetch(`${b.url}/ipfs/${cid}`)
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true)

    // an expire on B removes the copy everywhere: A's index follows
    await post(`${b.url}/api/v1/policies`, { policy: { name: 'gone', action: 'expire', expireAfterDays: 0, enabled: false } })
    await post(`${b.url}/api/v1/migrations`, { cids: [cid], policies: ['gone'] })
    await eventually(async () => json<Refs>(await fetch(`${a.url}/api/v1/storage/${cid}/references`)), r => r.references.length === 0, 'the reference gone on A')
  }, 90_000)
})
