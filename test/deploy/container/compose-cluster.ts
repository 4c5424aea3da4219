/** deploy/compose.yaml brought up with Debian's podman-compose for the container test (test/deploy/container-podman.test.ts). */
import { fileURLToPath } from 'node:url'
import { freePort, run } from './process.ts'
import type { Run } from './process.ts'

const COMPOSE_FILE = fileURLToPath(new URL('../../../deploy/compose.yaml', import.meta.url))

/** One relay of the running compose cluster: its HTTP address on the host and the admin key made for it. */
export interface ComposeRelay { url: string, auth: { authorization: string } }

/** The running compose cluster. */
export interface ComposeCluster {
  relays: ComposeRelay[]
  /** Run podman-compose with this cluster's project, file and environment. */
  compose: (...args: string[]) => Promise<Run>
  /** `down -v` (containers and volumes) and the project's network, which podman-compose 1.0.3 leaves behind. */
  stop: () => Promise<void>
}

/**
 * Bring up the three relays of deploy/compose.yaml from `image` as project `project`, on free host ports: an admin key
 * per relay first (`run --rm --no-deps … keys create`, as docs/DEPLOY.md says), then `up -d`, then wait until each
 * answers /health ready.
 */
export async function startComposeCluster (image: string, project: string, env: NodeJS.ProcessEnv): Promise<ComposeCluster> {
  const ports: Record<string, string> = {}
  for (const n of [1, 2, 3]) {
    for (const kind of ['HTTP', 'WS', 'TCP']) ports[`IPFS_KIT_${kind}_${String(n)}`] = String(await freePort())
  }
  const composeEnv = { ...env, ...ports, IPFS_KIT_IMAGE: image, IPFS_KIT_CLUSTER_SECRET: `compose-test-secret-${project}` }
  const compose = async (...args: string[]): Promise<Run> => run('podman-compose', ['-p', project, '-f', COMPOSE_FILE, ...args], composeEnv)
  const stop = async (): Promise<void> => {
    await compose('down', '-v')
    await run('podman', ['network', 'rm', '-f', `${project}_default`], env)
  }

  // one key per relay: relay 1's first, alone, since podman-compose creates the project's network on its first run and
  // parallel first runs race to create it; then relays 2 and 3 in parallel (each on its own volume)
  const key = async (n: number): Promise<ComposeRelay> => {
    const made = await compose('run', '--rm', '--no-deps', `relay-${String(n)}`, 'keys', 'create', '--name', 'ops', '--role', 'admin', '-d', '/data')
    const found = /ik_\S+/.exec(made.stdout)?.[0]
    if (made.code !== 0 || found === undefined) throw new Error(`keys create on relay-${String(n)}: ${made.stdout}\n${made.stderr}`)
    return { url: `http://127.0.0.1:${ports[`IPFS_KIT_HTTP_${String(n)}`] ?? ''}`, auth: { authorization: `Bearer ${found}` } }
  }
  const relays = [await key(1), ...await Promise.all([key(2), key(3)])]
  const up = await compose('up', '-d')
  if (up.code !== 0) throw new Error(`podman-compose up: ${up.stdout}\n${up.stderr}`)
  for (const relay of relays) {
    for (let i = 0; ; i++) {
      const ready = await fetch(`${relay.url}/health`).then(res => res.ok, () => false)
      if (ready) break
      if (i > 240) {
        // podman-compose prints the containers' output on stderr: both, or the reason (e.g. a name that does not
        // resolve between containers) is missing from the failure
        const logs = await compose('logs')
        throw new Error(`${relay.url} not ready: ${`${logs.stdout}\n${logs.stderr}`.slice(-4000)}`)
      }
      await new Promise(resolve => setTimeout(resolve, 500))
    }
  }
  return { relays, compose, stop }
}
