/**
 * `encryptAtRest` over S3 (s3rver) passes the same storage compliance suite as every backend: the wrapper stores
 * an age file of the DAG's CAR, and corrupting that object in the bucket is ERR_BLOCK_CORRUPT like any other.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FsDatastore } from 'datastore-fs'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe } from 'vitest'
import { encryptAtRest } from '../../node-relay/storage/at-rest.ts'
import { createS3Backend, objectKey } from '../../node-relay/storage/s3/index.ts'
import { corruptObject, S3RVER_CREDENTIALS, startS3Server } from '../storage/s3-support.ts'
import { storageBackendTests } from './storage-backend-suite.ts'
import type { S3Server } from '../storage/s3-support.ts'

describe('S3 backend with encryptAtRest against s3rver: storage backend compliance', () => {
  let server: S3Server
  let dir: string
  let run = 0

  beforeAll(async () => {
    server = await startS3Server()
    dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-at-rest-suite-'))
  })
  afterAll(async () => {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  storageBackendTests({
    setup: async () => {
      const prefix = `suite/${++run}`
      const datastore = new FsDatastore(join(dir, `ds-${run}`))
      await datastore.open()
      const inner = createS3Backend({
        name: 's3', bucket: server.bucket, prefix, endpoint: server.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, partSizeBytes: 5 * 1024 * 1024
      })
      const backend = await encryptAtRest(inner, { dataDir: dir, datastore })
      return {
        backend,
        corrupt: async (root) => {
          const envelope = await backend.envelope(root)
          if (envelope === undefined) throw new Error(`no encrypted copy of ${root.toString()}`)
          await corruptObject(server, objectKey(prefix, CID.parse(envelope.ciphertext)))
        }
      }
    },
    teardown: async (fixture) => { await fixture.backend.stop?.() },
    largeBytes: 12 * 1024 * 1024
  })
})
