import { afterAll, beforeAll, describe } from 'vitest'
import { createGatewayBackend, dagToCar } from '../../core/storage/index.ts'
import { startTestRelay } from '../relay/support.ts'
import { startProxyGateway } from '../storage/gateway-support.ts'
import { storageBackendTests } from './storage-backend-suite.ts'
import type { TestRelay } from '../relay/support.ts'
import type { ProxyGateway } from '../storage/gateway-support.ts'

describe('trustless gateway backend against a real relay: storage backend compliance', () => {
  let relay: TestRelay
  let proxy: ProxyGateway

  beforeAll(async () => {
    relay = await startTestRelay()
    // the backend reads through a proxy that can corrupt answers (the hostile network edge); it passes through
    // untouched unless a test corrupts a root
    proxy = await startProxyGateway(relay.url, 'corrupt')
    proxy.corruptRoots.add('none')
  })
  afterAll(async () => {
    await proxy.stop()
    await relay.destroy()
  })

  storageBackendTests({
    setup: async () => ({
      backend: createGatewayBackend({ name: 'gateways', gateways: [proxy.url], headersTimeoutMs: 5_000 }),
      seed: async (root, source) => { await relay.service.content.importCar(dagToCar(source, root)) },
      corrupt: async (root) => { proxy.corruptRoots.add(root.toString()) }
    }),
    teardown: async () => {}
  })
})
