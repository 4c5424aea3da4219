import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { packageRoot } from '../package-root.ts'
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui'

/** The title of the API docs page at /docs. */
export const DOCS_TITLE = 'ipfs-kit relay API'

/**
 * Options for @fastify/swagger-ui at /docs: the product's title, logo (linking to the app) and favicon instead of
 * Swagger's and Fastify's, all from public/icons/icon.svg.
 */
export async function docsUiOptions (): Promise<FastifySwaggerUiOptions> {
  const icon = await readFile(join(packageRoot(), 'public', 'icons', 'icon.svg'))
  return {
    routePrefix: '/docs',
    logo: { type: 'image/svg+xml', content: icon, href: '/', target: '_self' },
    theme: {
      title: DOCS_TITLE,
      favicon: [{ filename: 'icon.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: icon }],
      // the logo is square; Swagger's topbar expects a wide one
      css: [{ filename: 'ipfs-kit.css', content: '.swagger-ui .topbar .link img { height: 40px; width: 40px; }' }]
    }
  }
}
