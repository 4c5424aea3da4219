import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import { CarBlockIterator } from '@ipld/car'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { createS3Backend, createS3Client, objectKey } from '../../node-relay/storage/s3/index.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import { S3RVER_CREDENTIALS, startS3Server } from './s3-support.ts'
import type { S3Server } from './s3-support.ts'
import type { CID } from 'multiformats/cid'

async function someContent (length: number, seed: number): Promise<{ root: CID, source: MemoryBlockstore }> {
  const source = new MemoryBlockstore()
  const { cid } = await createContentStore({ blockstore: source }).add(pseudoRandomBytes(length, seed), { chunker: { type: 'fixed', size: 256 * 1024 } })
  return { root: cid, source }
}

describe('S3 backend: layout, multipart, outages', () => {
  let server: S3Server

  beforeAll(async () => { server = await startS3Server('layout') })
  afterAll(async () => { await server.stop() })

  it('writes <prefix>/<cid>.car that the plain AWS SDK can list and read as a CAR', async () => {
    const backend = createS3Backend({ name: 's3', bucket: server.bucket, prefix: '/archive/', endpoint: server.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
    const { root, source } = await someContent(700_000, 1)
    const put = await backend.put(root, source)
    expect(put.locator).toBe(`s3://${server.bucket}/archive/${root.toV1().toString()}.car`)

    const listed = await server.client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: 'archive/' }))
    expect(listed.Contents?.map(o => o.Key)).toEqual([`archive/${root.toV1().toString()}.car`])
    const head = await server.client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: objectKey('archive', root) }))
    expect(head.ContentType).toBe('application/vnd.ipld.car; version=1')
    expect(head.Metadata?.['ipfs-root']).toBe(root.toString())
    expect(head.Metadata?.['ipfs-kit-layout']).toBe('car-v1')

    const object = await server.client.send(new GetObjectCommand({ Bucket: server.bucket, Key: objectKey('archive', root) }))
    const car = await CarBlockIterator.fromBytes(await object.Body?.transformToByteArray() ?? new Uint8Array())
    expect((await car.getRoots()).map(r => r.toString())).toEqual([root.toString()])
    let blocks = 0
    for await (const block of car) {
      expect(await source.has(block.cid)).toBe(true)
      blocks++
    }
    expect(blocks).toBe(4)
  })

  it('uploads a DAG larger than one part as a multipart object', async () => {
    const init = { name: 's3', bucket: server.bucket, prefix: 'mp', endpoint: server.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, partSizeBytes: 5 * 1024 * 1024 }
    const client = createS3Client(init)
    const commands: string[] = []
    const payloadHashes: string[] = []
    client.middlewareStack.add((next, context) => async (args) => {
      if (typeof context.commandName === 'string') commands.push(context.commandName)
      return next(args)
    }, { step: 'initialize' })
    client.middlewareStack.add((next, context) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {}
      if (context.commandName === 'UploadPartCommand') payloadHashes.push(headers['x-amz-content-sha256'] ?? '')
      return next(args)
    }, { step: 'finalizeRequest', priority: 'low' })
    const backend = createS3Backend({ ...init, client })
    const { root, source } = await someContent(11 * 1024 * 1024, 2)
    const put = await backend.put(root, source)
    expect(commands.filter(c => c === 'UploadPartCommand')).toHaveLength(3)
    // signed requests, unhashed bodies: every read hashes each block against its CID instead (s3rver checks the signature)
    expect(payloadHashes).toEqual(['UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD'])
    expect(commands).toContain('CompleteMultipartUploadCommand')
    const head = await server.client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: objectKey('mp', root) }))
    expect(head.ContentLength).toBe(put.size)
    let bytes = 0
    for await (const block of backend.get(root)) bytes += block.bytes.byteLength
    expect(bytes).toBeGreaterThan(11 * 1024 * 1024)
  })

  it('is unhealthy and says ERR_BACKEND_UNAVAILABLE when the service is down', async () => {
    const down = await startS3Server('down')
    const backend = createS3Backend({ name: 's3', bucket: down.bucket, endpoint: down.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
    const { root, source } = await someContent(1000, 3)
    await backend.put(root, source)
    await down.stop()
    const status = await backend.status()
    expect(status.healthy).toBe(false)
    expect(status.error?.code).toBe('ERR_BACKEND_UNAVAILABLE')
    await expect(backend.has(root)).rejects.toMatchObject({ code: 'ERR_BACKEND_UNAVAILABLE' })
    await expect((async () => { for await (const block of backend.get(root)) expect(block).toBeUndefined() })()).rejects.toMatchObject({ code: 'ERR_BACKEND_UNAVAILABLE' })
    await expect(backend.put(root, source)).rejects.toMatchObject({ code: 'ERR_BACKEND_UNAVAILABLE' })
    await backend.stop()
  })
})
