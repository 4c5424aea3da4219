/**
 * s3rver in-process: the S3 stand-in every S3 test uses (it does not check SigV4 signatures; see DESIGN.md).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'

/** A running s3rver with one bucket. */
export interface S3Server {
  endpoint: string
  bucket: string
  port: number
  /** A plain AWS SDK client for the server (no ipfs-kit code in between). */
  client: S3Client
  stop: () => Promise<void>
}

/** Credentials s3rver accepts (it does not check signatures). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

/** Start s3rver on a free port (or `port`) with `bucket`, storing under a fresh temp dir. */
export async function startS3Server (bucket = 'ipfs-kit-test', port = 0): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'ipfs-kit-s3rver-'))
  const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: bucket }] })
  const address = await server.run()
  const endpoint = `http://127.0.0.1:${address.port}`
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
  return {
    endpoint,
    bucket,
    port: address.port,
    client,
    stop: async () => {
      client.destroy()
      await server.close()
      await rm(directory, { recursive: true, force: true })
    }
  }
}

/** Flip the last byte of an object directly in the bucket, keeping its metadata: a corrupted copy. */
export async function corruptObject (server: Pick<S3Server, 'client' | 'bucket'>, key: string): Promise<void> {
  const object = await server.client.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }))
  const bytes = await object.Body?.transformToByteArray()
  if (bytes === undefined || bytes.byteLength === 0) throw new Error(`object ${key} is empty`)
  bytes[bytes.byteLength - 1] = (bytes[bytes.byteLength - 1] ?? 0) ^ 0xff
  await server.client.send(new PutObjectCommand({ Bucket: server.bucket, Key: key, Body: bytes, ContentType: object.ContentType, Metadata: object.Metadata }))
}
