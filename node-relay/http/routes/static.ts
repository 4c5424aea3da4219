import { existsSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { packageRoot } from '../../package-root.ts'
import type { FastifyInstance, FastifyReply } from 'fastify'

const PUBLIC = join(packageRoot(), 'public') + sep
const DIST = join(packageRoot(), 'dist') + sep

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.map': 'application/json'
}

/** Where the built app is: `$IPFS_KIT_APP_DIR` (tests build into a temp dir), else `dist/` in the repo. */
function appDir (): string | undefined {
  const dir = process.env.IPFS_KIT_APP_DIR ?? DIST
  return existsSync(join(dir, 'index.html')) ? dir : undefined
}

/** Cache policy: hashed assets forever; the shell, service worker and manifest must be revalidated. */
function cacheControl (path: string): string {
  return path.startsWith(`assets${sep}`) || path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'
}

async function sendFile (reply: FastifyReply, root: string, path: string): Promise<FastifyReply> {
  const file = normalize(join(root, path))
  if (!file.startsWith(root)) return reply.status(404).send({ code: 'ERR_NOT_FOUND', message: `no file ${path}` })
  let body: Buffer
  try {
    body = await readFile(file)
  } catch {
    return reply.status(404).send({ code: 'ERR_NOT_FOUND', message: `no file ${path}` })
  }
  void reply.type(TYPES[extname(file)] ?? 'application/octet-stream').header('cache-control', cacheControl(path))
  // the web component (and its demo) are loaded by pages on other origins: module scripts need CORS
  if (path === 'embed.js' || path.startsWith('assets/')) void reply.header('access-control-allow-origin', '*')
  if (path === 'sw.js') void reply.header('service-worker-allowed', '/')
  return reply.send(body)
}

/**
 * Serve the app at `/`: the PWA built into `dist/` (index.html, `assets/*`, `icons/*`, sw.js, manifest, embed.js) when
 * `vite build` has run, else the placeholder page in public/.
 */
export function staticRoutes (app: FastifyInstance): void {
  const dir = appDir()
  if (dir === undefined) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => sendFile(reply, PUBLIC, 'index.html'))
    return
  }
  const root = dir.endsWith(sep) ? dir : dir + sep
  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendFile(reply, root, 'index.html'))
  // registered now (before `listen`): a file added to dist/ later is served after a restart
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      app.get(`/${entry.name}/*`, { schema: { hide: true } }, async (request, reply) => {
        const rest = (request.params as { '*'?: string })['*'] ?? ''
        return sendFile(reply, root, `${entry.name}/${rest}`)
      })
    } else if (entry.name !== 'index.html') {
      app.get(`/${entry.name}`, { schema: { hide: true } }, async (_request, reply) => sendFile(reply, root, entry.name))
    }
  }
}
