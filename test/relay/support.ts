import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../node-relay/config/load.ts'
import { startRelay } from '../../node-relay/relay.ts'
import type { Relay } from '../../node-relay/relay.ts'

/** A relay on free ports with its own data directory, removed by `stop()`. */
export interface TestRelay extends Relay {
  dataDir: string
  /** Stop the relay and delete its data. */
  destroy: () => Promise<void>
}

/** Start a real relay for a test: HTTP and libp2p on free loopback ports, data in a fresh temp dir. */
export async function startTestRelay (flags: NonNullable<NonNullable<Parameters<typeof loadConfig>[0]>['flags']> = {}, dataDir?: string): Promise<TestRelay> {
  const dir = dataDir ?? await mkdtemp(join(tmpdir(), 'ipfs-kit-relay-'))
  const config = await loadConfig({
    flags: {
      dataDir: dir,
      'http.port': 0,
      'libp2p.listen': ['/ip4/127.0.0.1/tcp/0/ws', '/ip4/127.0.0.1/tcp/0'],
      logLevel: 'silent',
      // the tests run without the internet: only test/public-network turns the public network on, with a stand-in
      'network.offline': true,
      ...flags
    }
  })
  const relay = await startRelay(config)
  return {
    ...relay,
    dataDir: dir,
    destroy: async () => {
      await relay.stop()
      // a stopped relay's last asynchronous writes (peer store, cluster state) may still land: retry the removal
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
    }
  }
}

/** POST bytes as a single-file add; returns the API's JSON. */
export async function addBytes (url: string, bytes: Uint8Array<ArrayBuffer>, query = ''): Promise<{ cid: string, size: number }> {
  const res = await fetch(`${url}/api/v1/add${query}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })
  if (!res.ok) throw new Error(`add failed: ${res.status} ${await res.text()}`)
  return await res.json() as { cid: string, size: number }
}
