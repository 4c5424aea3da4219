import { expect } from 'vitest'
import { addBytes, startTestRelay } from './support.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import type { TestRelay } from './support.ts'

interface Sample { at: number, requestsPerSecond: number, meanLatencyMs: number, bytesInPerSecond: number, bytesOutPerSecond: number, peers: Record<string, number>, storageBytes: Record<string, number>, searchDocuments: number }

let relay: TestRelay

beforeAll(async () => {
  relay = await startTestRelay({ 'http.statsIntervalMs': 200 })
}, 60_000)

afterAll(async () => {
  await relay?.destroy()
})

async function samples (since = 0): Promise<Sample[]> {
  const res = await fetch(`${relay.url}/api/v1/stats?since=${since}`)
  expect(res.status).toBe(200)
  return (await res.json() as { samples: Sample[] }).samples
}

async function until<T> (what: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const found = await what()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

describe('stats: the relay\'s sampled recent history', () => {
  it('turns the request and byte counters into rates, and `since` returns only newer samples', async () => {
    const started = Date.now()
    await addBytes(relay.url, pseudoRandomBytes(300_000, 3))
    for (let i = 0; i < 20; i++) await fetch(`${relay.url}/health`)
    const busy = await until(async () => (await samples(started)).find(s => s.requestsPerSecond > 0 && s.bytesInPerSecond > 0))
    expect(busy.meanLatencyMs).toBeGreaterThan(0)
    expect(busy.storageBytes).toBeTypeOf('object')
    const newest = (await samples()).at(-1)?.at ?? 0
    expect((await samples(newest)).every(s => s.at > newest)).toBe(true)
    // quiet again: a later interval without requests but the polling ones shows no upload bytes
    const later = Date.now()
    const quiet = await until(async () => (await samples(later)).find(s => s.bytesInPerSecond === 0), 5_000)
    expect(quiet.at).toBeGreaterThan(busy.at)
  })
})
