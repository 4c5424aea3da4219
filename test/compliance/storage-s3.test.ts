import { afterAll, beforeAll, describe } from 'vitest'
import { createS3Backend, objectKey } from '../../node-relay/storage/s3/index.ts'
import { corruptObject, S3RVER_CREDENTIALS, startS3Server } from '../storage/s3-support.ts'
import { storageBackendTests } from './storage-backend-suite.ts'
import type { S3Server } from '../storage/s3-support.ts'

describe('S3 backend against s3rver: storage backend compliance', () => {
  let server: S3Server
  let run = 0

  beforeAll(async () => { server = await startS3Server() })
  afterAll(async () => { await server.stop() })

  storageBackendTests({
    setup: async () => {
      // a fresh prefix per test: list() sees only this test's objects; part size at S3's 5 MiB minimum
      const prefix = `suite/${++run}`
      const backend = createS3Backend({
        name: 's3', bucket: server.bucket, prefix, endpoint: server.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, partSizeBytes: 5 * 1024 * 1024
      })
      return { backend, corrupt: async (root) => { await corruptObject(server, objectKey(prefix, root)) } }
    },
    teardown: async (fixture) => { await fixture.backend.stop?.() },
    largeBytes: 12 * 1024 * 1024
  })
})
