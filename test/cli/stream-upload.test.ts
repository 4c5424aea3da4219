/**
 * The CLI's streamed uploads (`node-relay/cli/stream-upload.ts`, behind `ApiClient.request` with a stream body):
 * against a real relay, an upload the relay refuses before reading it ends at once with the relay's typed error,
 * a source that fails mid-upload surfaces its own error, and a relay that is not there is "unreachable".
 */
import { spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../node-relay/cli/client.ts'
import { ApiError, UnreachableError } from '../../node-relay/cli/exit.ts'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))
const MIB = 1024 * 1024

/** `count` MiB of bytes, counting how many were pulled; throws `failAt` (in MiB) if given. */
function source (count: number, pulled: { bytes: number }, failAt?: number): AsyncGenerator<Uint8Array> {
  return (async function * () {
    for (let i = 0; i < count; i++) {
      if (i === failAt) throw new Error('the disk went away while reading')
      const chunk = new Uint8Array(MIB).fill(i % 251)
      pulled.bytes += chunk.byteLength
      yield chunk
    }
  })()
}

async function createKey (dataDir: string): Promise<string> {
  const child = spawn(process.execPath, [MAIN, '--json', 'keys', 'create', '--name', 'up', '--role', 'admin', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  await new Promise(resolve => child.once('close', resolve))
  return (JSON.parse(stdout) as { key: string }).key
}

async function add (client: ApiClient, body: AsyncIterable<Uint8Array>): Promise<string> {
  const res = await client.request('/api/v1/add', { method: 'POST', body: { stream: body, contentType: 'application/octet-stream' } })
  return (await res.json() as { cid: string }).cid
}

describe('streamed uploads from the CLI client', () => {
  let relay: TestRelay
  let key: string

  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-upload-'))
    key = await createKey(dataDir)
    relay = await startTestRelay({}, dataDir)
  })
  afterAll(async () => { await relay.destroy() })

  it('uploads with the key and answers the CID the relay built', async () => {
    const pulled = { bytes: 0 }
    const cid = await add(new ApiClient(relay.url, key), source(5, pulled))
    expect(pulled.bytes).toBe(5 * MIB)
    const stat = await new ApiClient(relay.url, key).request(`/api/v1/stat/${cid}`).then(async res => await res.json() as { size: number })
    expect(stat.size).toBe(5 * MIB)
  })

  it('a refused upload ends with the relay\'s typed error without sending the whole body', async () => {
    const pulled = { bytes: 0 }
    const error = await add(new ApiClient(relay.url), source(512, pulled)).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).code).toBe('ERR_UNAUTHORIZED')
    expect(pulled.bytes).toBeLessThan(512 * MIB)
  })

  it('a source that fails mid-upload rejects with its own error, and nothing is pinned', async () => {
    const client = new ApiClient(relay.url, key)
    const before = await client.request('/api/v1/pins').then(async res => await res.text())
    const error = await add(client, source(64, { bytes: 0 }, 3)).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toBe('the disk went away while reading')
    expect(await client.request('/api/v1/pins').then(async res => await res.text())).toBe(before)
  })

  it('no relay at the address is "unreachable"', async () => {
    const stopped = await startTestRelay()
    const url = stopped.url
    await stopped.destroy()
    const error = await add(new ApiClient(url), source(1, { bytes: 0 })).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(UnreachableError)
  })
})
