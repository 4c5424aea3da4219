import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

const PUBLIC = new URL('../../../public/', import.meta.url)

/** Serve the app shell at `/` (the placeholder page in public/ until the PWA is built into dist/). */
export function staticRoutes (app: FastifyInstance): void {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const html = await readFile(fileURLToPath(new URL('index.html', PUBLIC)), 'utf8')
    return reply.type('text/html; charset=utf-8').send(html)
  })
}
