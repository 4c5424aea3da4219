import { afterAll, beforeAll, describe } from 'vitest'
import { createStorachaBackend } from '../../node-relay/storage/storacha/index.ts'
import { startStorachaGateway } from '../storage/support/storacha-gateway.ts'
import { startStorachaService } from '../storage/support/storacha-service.ts'
import { createSpace } from '../storage/support/storacha-space.ts'
import { storageBackendTests } from './storage-backend-suite.ts'
import type { StorachaGateway } from '../storage/support/storacha-gateway.ts'
import type { StorachaService } from '../storage/support/storacha-service.ts'

// One in-process Storacha service and gateway for the file; every test gets its own space and agent.
let service: StorachaService
let gateway: StorachaGateway

beforeAll(async () => {
  service = await startStorachaService()
  gateway = await startStorachaGateway(service)
})

afterAll(async () => {
  await gateway.stop()
  await service.stop()
})

describe('Storacha backend (Storacha upload-api in process, reads via a trustless gateway over it): storage backend compliance', () => {
  storageBackendTests({
    setup: async () => {
      const secrets = await createSpace(service)
      const backend = createStorachaBackend({
        name: 'storacha',
        agentKey: secrets.agentKey,
        proof: secrets.proof,
        serviceUrl: service.url,
        serviceDid: service.did,
        gateways: [gateway.url],
        retries: 0
      })
      return { backend, corrupt: async (root) => { gateway.corrupt(root) } }
    },
    teardown: async (fixture) => { await fixture.backend.stop?.() }
  })
})
