/**
 * s3rver in a child process, for benchmarks: S3 is never inside the process that uses it, and s3rver in the bench's
 * own process would charge the server's CPU (HTTP parsing, MD5, file I/O) to the client being measured, on the same
 * event loop. The baseline client and ours talk to the same server, so ratios stay fair.
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { S3Client } from '@aws-sdk/client-s3'
import { S3RVER_CREDENTIALS } from '../../test/storage/s3-support.ts'
import type { S3Server } from '../../test/storage/s3-support.ts'

const CHILD = fileURLToPath(new URL('./s3rver-child.ts', import.meta.url))

/** Start s3rver with `bucket` in a child process; `stop()` ends it and removes its data. */
export async function startS3ServerProcess (bucket = 'bench'): Promise<S3Server> {
  const child = fork(CHILD, [bucket], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] })
  const exited = new Promise<void>(resolve => { child.once('exit', () => { resolve() }) })
  const ready = await new Promise<{ endpoint: string, bucket: string, port: number }>((resolve, reject) => {
    child.once('message', (message) => { resolve(message as { endpoint: string, bucket: string, port: number }) })
    child.once('error', reject)
    void exited.then(() => { reject(new Error('the s3rver process exited before it listened')) })
  })
  const client = new S3Client({ endpoint: ready.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS })
  return {
    ...ready,
    client,
    stop: async () => {
      client.destroy()
      if (child.connected) child.send('stop')
      await exited
    }
  }
}
