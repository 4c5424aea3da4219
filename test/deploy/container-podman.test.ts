/**
 * The image itself under podman (issue 20 part 4); runs in CI (CI=true) and locally with IPFS_KIT_CONTAINER_PODMAN=1
 * (test/run-all.sh installs podman, runc and podman-compose with apt when missing). It builds a base image from Debian
 * packages (test/deploy/container/build-base-image.sh; kept between runs), lays out the production tree
 * (test/deploy/container/prebuilt-context.sh; no registry) and builds the Dockerfile over it, then runs it: a key
 * through the image, HEALTHCHECK healthy, uid 10001, SIGTERM mid-upload (the request completes, exit code 0), and the
 * volume kept across a new container. Then deploy/compose.yaml under podman-compose from the same image: three relays
 * in one cluster, a cluster pin seen and pinned on all three, content added on one served by another's gateway.
 * About 3 minutes on the 2-core test machine, under 2 of them the image build (docs/DEPLOY.md, "How the container is tested").
 * podman here needs runc (crun refuses the hybrid cgroup v1/v2 layout) and rlimits no higher than the host's (the
 * machine withholds CAP_SYS_RESOURCE), hence the containers.conf written below.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { randomUpload } from '../relay/child-relay.ts'
import { startComposeCluster } from './container/compose-cluster.ts'
import { countBytes, freePort, run } from './container/process.ts'

const MiB = 1024 * 1024
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
// the base image is kept between runs, tagged by what it is made of (the script and the Node binary): a rerun skips
// making it and podman's layer cache then reuses the image's dependency layer while the dependencies are unchanged
const BASE = `localhost/ipfs-kit-test-base:${createHash('sha256')
  .update(readFileSync(join(ROOT, 'test/deploy/container/build-base-image.sh'))).update(readFileSync(process.execPath))
  .digest('hex').slice(0, 16)}`
const IMAGE = 'localhost/ipfs-kit:test'
const APP = 'localhost/ipfs-kit-test-app:latest'

function has (command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const wanted = process.env.IPFS_KIT_CONTAINER_PODMAN === '1' || process.env.CI === 'true'
const missing = ['podman', 'runc', 'dpkg', 'apt-get'].filter(c => !has(c))
const reason = !wanted
  ? 'runs in CI (CI=true) or with IPFS_KIT_CONTAINER_PODMAN=1 (builds and runs the image under podman, about 4 minutes)'
  : missing.length > 0 ? `missing ${missing.join(', ')} (apt-get install podman runc)` : undefined
if (reason !== undefined) process.stdout.write(`container-podman.test.ts skipped: ${reason}\n`)
const noCompose = has('podman-compose') ? undefined : 'missing podman-compose (apt-get install podman-compose)'
if (reason === undefined && noCompose !== undefined) process.stdout.write(`container-podman.test.ts: the compose cluster check is skipped: ${noCompose}\n`)

describe.skipIf(reason !== undefined)('container image under podman', () => {
  let work: string
  let env: NodeJS.ProcessEnv
  const volume = `ipfs-kit-test-${String(process.pid)}`
  const podman = async (...args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> => run('podman', args, env)

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ipfs-kit-podman-'))
    const conf = join(work, 'containers.conf')
    await writeFile(conf, '[containers]\ndefault_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]\n[engine]\nruntime = "runc"\n')
    env = { ...process.env, CONTAINERS_CONF: conf }
    if ((await podman('image', 'exists', BASE)).code !== 0) {
      const base = await run('sh', [join(ROOT, 'test/deploy/container/build-base-image.sh'), BASE, process.execPath], env)
      expect(base.code, base.stderr).toBe(0)
    }
    const context = join(work, 'context')
    const prebuilt = await run('sh', [join(ROOT, 'test/deploy/container/prebuilt-context.sh'), context], env)
    expect(prebuilt.code, prebuilt.stderr).toBe(0)
    // the built tree goes in as one imported layer with the files under /src, used as the Dockerfile's `app` stage
    // (APP_STAGE names an image): one tar stream instead of buildah copying 0.5 GB file by file into the `prebuilt`
    // stage, which was about a third of the build; the runtime stage's COPY --from=app is then the only copy
    const imported = await run('sh', ['-c', 'tar --numeric-owner -C "$1" --transform "s,^\\.,src," -c . | podman import - "$2" >/dev/null',
      'sh', context, APP], env)
    expect(imported.code, imported.stderr).toBe(0)
    const empty = join(work, 'empty')
    await mkdir(empty)
    // the image this build replaces, removed after it so reruns do not pile up untagged 0.5 GB images
    const previous = (await podman('image', 'inspect', IMAGE, '--format', '{{.Id}}')).stdout.trim()
    const built = await podman('build', '--format', 'docker', '-f', join(ROOT, 'Dockerfile'), '--build-arg', `NODE_IMAGE=${BASE}`,
      '--build-arg', `APP_STAGE=${APP}`, '-t', IMAGE, empty)
    expect(built.code, built.stderr).toBe(0)
    await podman('rmi', APP)
    if (previous !== '' && !(await podman('image', 'inspect', IMAGE, '--format', '{{.Id}}')).stdout.startsWith(previous)) {
      await podman('rmi', previous)
    }
  }, 30 * 60_000)

  afterAll(async () => {
    await podman('rm', '-f', `${volume}-1`, `${volume}-2`)
    await podman('volume', 'rm', '-f', volume)
    await rm(work, { recursive: true, force: true })
  })

  it('runs as uid 10001 with a /data volume, is healthy, drains on SIGTERM, exits 0 and keeps the volume', async () => {
    const inspect = await podman('image', 'inspect', IMAGE, '--format', '{{json .Config.Healthcheck.Test}} {{.Config.User}} {{json .Config.Volumes}}')
    expect(inspect.stdout).toContain('healthcheck.js')
    expect(inspect.stdout).toContain('10001:10001')
    expect(inspect.stdout).toContain('/data')

    const created = await podman('run', '--rm', '-v', `${volume}:/data`, IMAGE, 'keys', 'create', '--name', 'ops', '--role', 'admin', '-d', '/data')
    expect(created.code, created.stderr).toBe(0)
    const key = /ik_\S+/.exec(created.stdout)?.[0] ?? ''
    const auth = { authorization: `Bearer ${key}` }

    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const start = async (name: string): Promise<void> => {
      const started = await podman('run', '-d', '--name', name, '--network', 'host', '-v', `${volume}:/data`,
        '-e', `IPFS_KIT_PORT=${port}`, '-e', 'IPFS_KIT_LISTEN=/ip4/127.0.0.1/tcp/0/ws,/ip4/127.0.0.1/tcp/0', '-e', 'IPFS_KIT_OFFLINE=true', IMAGE)
      expect(started.code, started.stderr).toBe(0)
      for (let i = 0; ; i++) {
        if ((await podman('healthcheck', 'run', name)).code === 0) break
        if (i > 120) throw new Error(`not healthy: ${(await podman('logs', name)).stderr}`)
        await new Promise(resolve => setTimeout(resolve, 500))
      }
    }

    await start(`${volume}-1`)
    expect((await podman('exec', `${volume}-1`, 'id', '-u')).stdout.trim()).toBe('10001')
    let signalled = false
    const body = randomUpload(16 * MiB, async (sent) => {
      if (sent >= 4 * MiB && !signalled) {
        signalled = true
        await podman('kill', '--signal', 'TERM', `${volume}-1`)
      }
      await new Promise(resolve => setTimeout(resolve, 40))
    })
    const res = await fetch(`${url}/api/v1/add`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body, duplex: 'half' } as RequestInit)
    expect(signalled).toBe(true)
    expect(res.status).toBe(200)
    const added = await res.json() as { cid: string, size: number }
    expect(added.size).toBe(16 * MiB)
    expect((await podman('wait', `${volume}-1`)).stdout.trim()).toBe('0')
    const logs = await podman('logs', `${volume}-1`)
    expect(logs.stdout + logs.stderr).toContain('SIGTERM: draining requests and stopping')

    await start(`${volume}-2`)
    const pins = await (await fetch(`${url}/api/v1/pins`, { headers: auth })).json() as { pins: Array<{ cid: string }> }
    expect(pins.pins.map(p => p.cid)).toContain(added.cid)
    expect(await countBytes(await fetch(`${url}/ipfs/${added.cid}`))).toBe(16 * MiB)
    await podman('stop', '-t', '30', `${volume}-2`)
    expect((await podman('inspect', `${volume}-2`, '--format', '{{.State.ExitCode}}')).stdout.trim()).toBe('0')
  }, 5 * 60_000)

  it.skipIf(noCompose !== undefined)('runs deploy/compose.yaml: three relays join one cluster, share pins and serve each other\'s content', async () => {
    const cluster = await startComposeCluster(IMAGE, `ikct${String(process.pid)}`, env)
    try {
      const [a, b, c] = cluster.relays as [typeof cluster.relays[0], typeof cluster.relays[0], typeof cluster.relays[0]]
      const get = async (relay: typeof a, path: string): Promise<{ status: number, body: unknown }> => {
        const res = await fetch(`${relay.url}${path}`, { headers: relay.auth })
        return { status: res.status, body: await res.json() }
      }
      const until = async (what: string, ok: () => Promise<boolean>): Promise<void> => {
        for (let i = 0; !(await ok()); i++) {
          if (i > 240) throw new Error(`timed out waiting for ${what}`)
          await new Promise(resolve => setTimeout(resolve, 500))
        }
      }
      // relays 2 and 3 bootstrapped from relay 1 by name (IPFS_KIT_BOOTSTRAP_FROM); each sees all three as members
      for (const relay of cluster.relays) {
        await until(`three live peers on ${relay.url}`, async () =>
          ((await get(relay, '/api/v1/cluster/peers')).body as { peers: Array<{ live: boolean }> }).peers.filter(p => p.live).length === 3)
      }

      // content added on relay 1 is served by relay 2's gateway (fetched from relay 1 over libp2p between containers)
      const bytes = new Uint8Array(MiB).map((_, i) => (i * 7919) % 251)
      const res = await fetch(`${a.url}/api/v1/add`, { method: 'POST', headers: { ...a.auth, 'content-type': 'application/octet-stream' }, body: bytes })
      expect(res.status).toBe(200)
      const { cid } = await res.json() as { cid: string }
      const served = new Uint8Array(await (await fetch(`${b.url}/ipfs/${cid}`)).arrayBuffer())
      expect(served).toEqual(bytes)

      // a cluster pin made on relay 1 is seen on relays 2 and 3 and reaches all three (compose config: 2..3 copies)
      const pinned = await fetch(`${a.url}/api/v1/cluster/pins`, { method: 'POST', headers: { ...a.auth, 'content-type': 'application/json' }, body: JSON.stringify({ cid }) })
      expect(pinned.status).toBe(200)
      for (const relay of [b, c]) {
        await until(`the pin pinned three times as seen from ${relay.url}`, async () => {
          const status = await get(relay, `/api/v1/cluster/pins/${cid}`)
          return status.status === 200 && (status.body as { pinnedCount: number }).pinnedCount === 3
        })
      }
      expect(await countBytes(await fetch(`${c.url}/ipfs/${cid}`))).toBe(MiB)
    } finally {
      await cluster.stop()
    }
  }, 5 * 60_000)
})
