/**
 * The CLI with several relays (`--api a,b,c` or $IPFS_KIT_API): three real relays forming one cluster, the CLI run
 * as a child process. With the first relay stopped, reads go to the next one, and so do writes that are safe to
 * send again (a cluster pin; an upload, after the client found a relay that answers); when no relay answers, the
 * error names every relay tried.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from '../../node-relay/cli/exit.ts'
import { addBytes } from '../relay/support.ts'
import { destroyRelay, randomBytes, startRelays, waitFor } from '../cluster/support.ts'
import type { TestRelay } from '../relay/support.ts'
import type { AddressInfo } from 'node:net'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

interface CliRun { code: number | null, stdout: Buffer, stderr: string }

/** Run the CLI with `args` (and `env` added to this process's) and collect what it prints. */
async function cli (args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  return { code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString() }
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

let relays: TestRelay[] = []
let first: TestRelay
let api: string
let tmp: string
const bytes = randomBytes(200_000)
let cid: string

beforeAll(async () => {
  relays = await startRelays(3)
  first = relays[0] as TestRelay
  api = relays.map(r => r.url).join(',')
  tmp = await mkdtemp(join(tmpdir(), 'ipfs-kit-cli-failover-'))
  await waitFor(() => relays.every(r => (r.cluster?.peers() ?? []).filter(p => p.live).length === 3), 30_000, 'the three relays see each other')
  cid = (await addBytes(first.url, bytes, '?pin=false')).cid
  await first.cluster?.pin(cid, { replicationMin: 3, replicationMax: 3 })
  await waitFor(() => first.cluster?.status(cid).pinnedCount === 3, 20_000, 'three pinned copies')
  await destroyRelay(first)
}, 90_000)

afterAll(async () => {
  await Promise.all(relays.slice(1).map(async r => destroyRelay(r)))
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true })
}, 30_000)

describe('CLI failover between relays', () => {
  it('reads go to the next relay when the first is stopped (--api a,b,c and $IPFS_KIT_API)', async () => {
    const [cat, status] = await Promise.all([
      cli(['--api', api, 'cat', cid]),
      cli(['--json', 'cluster', 'status', cid], { IPFS_KIT_API: api })
    ])
    expect(cat.stderr).toBe('')
    expect(cat.code).toBe(0)
    expect(sha256(cat.stdout)).toBe(sha256(bytes))
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout.toString())).toMatchObject({ cid, pin: { cid } })
  })

  it('writes safe to resend go to the next relay too: a cluster pin, and an upload after finding a live relay', async () => {
    const path = join(tmp, 'new.bin')
    const fresh = randomBytes(50_000)
    await writeFile(path, fresh)
    const added = await cli(['--api', api, '--json', 'add', '--no-pin', path])
    expect(added.code).toBe(0)
    const newCid = (JSON.parse(added.stdout.toString()) as { cid: string }).cid
    const pinned = await cli(['--api', api, '--json', 'cluster', 'pin', newCid, '--min', '2', '--max', '2'])
    expect(pinned.code).toBe(0)
    // the pin is cluster state: the third relay has it too, and holds a copy once it is pinned where allocated
    const third = relays[2] as TestRelay
    await waitFor(() => third.cluster?.status(newCid).pinnedCount === 2, 20_000, 'two pinned copies of the new pin')
  })

  it('when no relay answers, the error names every relay tried (exit 4)', async () => {
    const dead = [first.url, `http://127.0.0.1:${await closedPort()}`]
    const run = await cli(['--api', dead.join(','), 'cat', cid])
    expect(run.code).toBe(EXIT.unreachable)
    for (const url of dead) expect(run.stderr).toContain(`${new URL(url).origin} (ECONNREFUSED)`)
  })
})
