import { afterAll, beforeAll, describe } from 'vitest'
import { createFilecoinBackend } from '../../node-relay/storage/filecoin/index.ts'
import { mockSynapse } from '../support/synapse-client.ts'
import { startSynapseProviders } from '../support/synapse-providers.ts'
import { storageBackendTests } from './storage-backend-suite.ts'
import type { SynapseProviders } from '../support/synapse-providers.ts'

let providers: SynapseProviders

beforeAll(() => { providers = startSynapseProviders() })
afterAll(() => { providers.stop() })

describe('Filecoin backend (the real Synapse SDK 0.41 on @filoz/synapse-core mocks): storage backend compliance', () => {
  storageBackendTests({
    setup: async () => {
      const backend = createFilecoinBackend({ name: 'filecoin', synapse: mockSynapse(), copies: 2 })
      return {
        backend,
        corrupt: async (root) => {
          const record = await backend.records.get(root.toString())
          if (record !== undefined) providers.corrupt(record.pieceCid)
        }
      }
    },
    teardown: async () => {}
  })
})
