/**
 * Runs s3rver in its own process for `s3rver-process.ts`: sends `{ endpoint, bucket, port }` once it listens, and
 * stops (removing its directory) on the `stop` message or when the parent goes away. Never run directly.
 */
import { startS3Server } from '../../test/storage/s3-support.ts'

const bucket = process.argv[2] ?? 'bench'
const server = await startS3Server(bucket)
const stop = async (): Promise<void> => {
  await server.stop().catch(() => {})
  process.exit(0)
}
process.on('message', (message) => { if (message === 'stop') void stop() })
process.on('disconnect', () => { void stop() })
process.send?.({ endpoint: server.endpoint, bucket: server.bucket, port: server.port })
