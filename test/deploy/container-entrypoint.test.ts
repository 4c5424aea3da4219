/**
 * The container image's entrypoint, run outside a container (issue 20 part 4; the image itself runs under podman in
 * container-podman.test.ts, where podman is installed): the same `deploy/container/entrypoint.sh` with the image's environment (IPFS_KIT_HOST=0.0.0.0,
 * IPFS_KIT_DATA_DIR, IPFS_KIT_LISTEN, JSON logs), the same HEALTHCHECK command (`node deploy/container/healthcheck.js`),
 * SIGTERM mid-upload (the request completes, the process exits 0) and the data directory kept across a restart, as a
 * volume is. Only IPFS_KIT_HOME (the image's /app is this checkout) and the ports differ.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { randomUpload } from '../relay/child-relay.ts'
import { countBytes, freePort, run, started } from './container/process.ts'
import type { Run } from './container/process.ts'
import type { ChildProcess } from 'node:child_process'

const MiB = 1024 * 1024
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ENTRYPOINT = join(ROOT, 'deploy/container/entrypoint.sh')
const HEALTHCHECK = join(ROOT, 'deploy/container/healthcheck.js')

/** The environment the Dockerfile sets, with this checkout as /app, the test's Node 22 and free ports. */
function imageEnv (dataDir: string, port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    IPFS_KIT_HOME: ROOT,
    IPFS_KIT_NODE: process.execPath,
    IPFS_KIT_DATA_DIR: dataDir,
    IPFS_KIT_HOST: '0.0.0.0',
    IPFS_KIT_PORT: String(port),
    IPFS_KIT_LISTEN: '/ip4/127.0.0.1/tcp/0/ws,/ip4/127.0.0.1/tcp/0',
    IPFS_KIT_LOG_FORMAT: 'json',
    IPFS_KIT_OFFLINE: 'true',
    NODE_ENV: 'production'
  }
}

/** Start the entrypoint (default command: start) and wait for the relay's ready block. */
async function startEntrypoint (env: NodeJS.ProcessEnv): Promise<{ proc: ChildProcess, exited: Promise<Run> }> {
  const proc = spawn(ENTRYPOINT, [], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const { exited, output } = started(proc)
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output().stderr.includes('ipfs-kit relay ready')) {
        clearInterval(timer)
        resolve()
      }
    }, 50)
    void exited.then(r => {
      clearInterval(timer)
      reject(new Error(`entrypoint exited before the relay was ready (code ${String(r.code)}):\n${r.stderr}`))
    })
  })
  return { proc, exited }
}

let dataDir: string
beforeEach(async () => { dataDir = await mkdtemp(join(tmpdir(), 'ipfs-kit-container-')) })
afterEach(async () => { await rm(dataDir, { recursive: true, force: true }) })

describe('container entrypoint (run outside a container)', () => {
  it('refuses the image default bind (0.0.0.0) without an API key, and says how to make one', async () => {
    const port = await freePort()
    const result = await run(ENTRYPOINT, [], imageEnv(dataDir, port))
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('refusing to listen on 0.0.0.0 without API keys')
  })

  it('serves with a key made through the entrypoint, is healthy, drains on SIGTERM, exits 0, and keeps its data across a restart', async () => {
    const port = await freePort()
    const env = imageEnv(dataDir, port)
    const url = `http://127.0.0.1:${port}`

    // the documented first step: `podman run --rm -v data:/data ipfs-kit keys create --name ops --role admin -d /data`
    const created = await run(ENTRYPOINT, ['keys', 'create', '--name', 'ops', '--role', 'admin', '-d', dataDir], env)
    expect(created.code).toBe(0)
    const key = /ik_\S+/.exec(created.stdout)?.[0]
    expect(key).toBeDefined()
    const auth = { authorization: `Bearer ${key ?? ''}` }

    const first = await startEntrypoint(env)
    onTestFinished(() => { first.proc.kill('SIGKILL') })
    // the entrypoint exec'd the relay: the process SIGTERM goes to is Node running ipfs-kit itself
    const cmdline = await readFile(`/proc/${String(first.proc.pid)}/cmdline`, 'utf8')
    expect(cmdline.split('\0').some(arg => arg.endsWith('/bin/ipfs-kit.js'))).toBe(true)

    const healthy = await run(process.execPath, [HEALTHCHECK], env)
    expect(healthy.code).toBe(0)
    expect(healthy.stdout).toContain('healthy')

    // SIGTERM while a 16 MiB upload is in flight: it completes, new requests are refused, the process exits 0
    let signalled = false
    const body = randomUpload(16 * MiB, async (sent) => {
      if (sent >= 4 * MiB && !signalled) {
        signalled = true
        first.proc.kill('SIGTERM')
        // a supervisor may repeat it (podman delivers one `podman kill --signal TERM` twice): the drain goes on
        await new Promise(resolve => setTimeout(resolve, 300))
        first.proc.kill('SIGTERM')
        // the HEALTHCHECK now fails (503 while draining, or refused once closed)
        const during = await run(process.execPath, [HEALTHCHECK], env)
        expect(during.code).toBe(1)
      }
      await new Promise(resolve => setTimeout(resolve, 40))
    })
    const res = await fetch(`${url}/api/v1/add`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body,
      duplex: 'half'
    } as RequestInit)
    expect(signalled).toBe(true)
    expect(res.status).toBe(200)
    const added = await res.json() as { cid: string, size: number }
    expect(added.size).toBe(16 * MiB)
    const end = await first.exited
    expect(end.code).toBe(0)
    expect(end.stderr).toContain('SIGTERM: draining requests and stopping')
    expect(end.stderr).toContain('SIGTERM again: still draining')

    // same data directory, as a volume across container restarts: the key, the pin and the bytes are still there
    const second = await startEntrypoint(env)
    try {
      expect((await run(process.execPath, [HEALTHCHECK], env)).code).toBe(0)
      const pins = await (await fetch(`${url}/api/v1/pins`, { headers: auth })).json() as { pins: Array<{ cid: string }> }
      expect(pins.pins.map(p => p.cid)).toContain(added.cid)
      const back = await fetch(`${url}/ipfs/${added.cid}`)
      expect(back.status).toBe(200)
      expect(await countBytes(back)).toBe(16 * MiB)
      expect((await fetch(`${url}/api/v1/pins`)).status).toBe(401)
    } finally {
      second.proc.kill('SIGTERM')
      expect((await second.exited).code).toBe(0)
    }
  })
})

describe('container entrypoint: the compose cluster settings', () => {
  let second: string
  beforeEach(async () => { second = await mkdtemp(join(tmpdir(), 'ipfs-kit-container-')) })
  afterEach(async () => { await rm(second, { recursive: true, force: true }) })

  it('a relay with IPFS_KIT_BOOTSTRAP_FROM joins the first one\'s cluster, with deploy/container/cluster.json as config', async () => {
    const cluster = {
      IPFS_KIT_CONFIG: join(ROOT, 'deploy/container/cluster.json'),
      IPFS_KIT_CLUSTER_NAME: 'container-test',
      IPFS_KIT_CLUSTER_SECRET: 'a-secret-of-at-least-16-chars',
      // as in a container: every interface, so the first relay publishes an address the second can dial
      IPFS_KIT_LISTEN: '/ip4/0.0.0.0/tcp/0'
    }
    const portA = await freePort()
    const portB = await freePort()
    const envA = { ...imageEnv(dataDir, portA), ...cluster }
    const envB = { ...imageEnv(second, portB), ...cluster, IPFS_KIT_BOOTSTRAP_FROM: `http://127.0.0.1:${portA}` }
    const keyB = /ik_\S+/.exec((await run(ENTRYPOINT, ['keys', 'create', '--name', 'ops', '--role', 'admin', '-d', second], envB)).stdout)?.[0] ?? ''
    expect((await run(ENTRYPOINT, ['keys', 'create', '--name', 'ops', '--role', 'admin', '-d', dataDir], envA)).code).toBe(0)
    const a = await startEntrypoint(envA)
    try {
      const b = await startEntrypoint(envB)
      try {
        // metrics are public in the compose config (Prometheus scrapes without a key)
        expect((await fetch(`http://127.0.0.1:${portB}/metrics`)).status).toBe(200)
        const live = async (): Promise<number> => {
          const res = await fetch(`http://127.0.0.1:${portB}/api/v1/cluster/peers`, { headers: { authorization: `Bearer ${keyB}` } })
          const { peers } = await res.json() as { peers: Array<{ live: boolean }> }
          return peers.filter(p => p.live).length
        }
        await expect.poll(live, { timeout: 60_000, interval: 500 }).toBe(2)
      } finally {
        b.proc.kill('SIGTERM')
        expect((await b.exited).code).toBe(0)
      }
    } finally {
      a.proc.kill('SIGTERM')
      expect((await a.exited).code).toBe(0)
    }
  })
})
