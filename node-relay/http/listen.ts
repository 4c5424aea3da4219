import type { FastifyInstance } from 'fastify'

const QUIET = ['fatal', 'error', 'warn', 'silent']

/**
 * `app.listen` without Fastify's `Server listening at …` info line: `ipfs-kit start` prints one ready block with
 * every address, and a relay embedded in a program says nothing it was not asked to. The address is logged at debug.
 */
export async function listenQuietly (app: FastifyInstance, options: { host: string, port: number }): Promise<string> {
  const level = app.log.level
  // no request is in flight before listen, so no request logger inherits the raised level
  if (!QUIET.includes(level)) app.log.level = 'warn'
  let address: string
  try {
    address = await app.listen(options)
  } finally {
    app.log.level = level
  }
  app.log.debug({ address }, 'http listening')
  return address
}
