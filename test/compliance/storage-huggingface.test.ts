import { describe } from 'vitest'
import { createHuggingFaceBackend } from '../../node-relay/storage/huggingface/index.ts'
import { startFakeHub } from '../storage/support/hf-hub-server.ts'
import { storageBackendTests } from './storage-backend-suite.ts'
import type { FakeHub } from '../storage/support/hf-hub-server.ts'
import type { StorageBackendFixture } from './storage-backend-suite.ts'

const hubs = new WeakMap<StorageBackendFixture, FakeHub>()

describe('Hugging Face Hub backend (fake Hub): storage backend compliance', () => {
  storageBackendTests({
    setup: async () => {
      // multipart parts of 1 MiB so the 4 MiB DAG goes up with the Hub's multipart LFS transfer
      const hub = await startFakeHub({ tokens: { hf_writer: 'write' }, multipartChunkSize: 1024 * 1024, treePageSize: 3 })
      hub.createRepo('dataset', 'kit/store')
      const backend = createHuggingFaceBackend({ name: 'hf', repo: 'kit/store', repoType: 'dataset', token: 'hf_writer', hubUrl: hub.url })
      const fixture: StorageBackendFixture = {
        backend,
        corrupt: async (root) => { hub.corrupt('dataset', 'kit/store', backend.pathOf(root)) }
      }
      hubs.set(fixture, hub)
      return fixture
    },
    teardown: async (fixture) => {
      await hubs.get(fixture)?.stop()
    }
  })
})
