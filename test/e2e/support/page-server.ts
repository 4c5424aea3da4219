import { createServer } from 'node:http'
import { mkdtemp, readFile, rm, copyFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { AddressInfo } from 'node:net'

const PAGES = fileURLToPath(new URL('../pages/', import.meta.url))
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json' }

/** The bundled test pages served over HTTP on a free loopback port (a secure context for the browser). */
export interface PageServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string
  close: () => Promise<void>
}

/** Bundle `pages/mesh-page.ts`, the storage worker and the hashing worker for the browser with esbuild; serve them beside `pages/mesh.html`. */
export async function startPageServer (): Promise<PageServer> {
  const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-e2e-'))
  await build({
    entryPoints: {
      'mesh-page': join(PAGES, 'mesh-page.ts'),
      'storage-worker': fileURLToPath(new URL('../../../app/worker/storage-worker.ts', import.meta.url)),
      'hash-worker': fileURLToPath(new URL('../../../app/worker/hash-worker.ts', import.meta.url))
    },
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'error'
  })
  await copyFile(join(PAGES, 'mesh.html'), join(dir, 'mesh.html'))
  const server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '')
    if (path === 'favicon.ico') {
      res.writeHead(204).end()
      return
    }
    readFile(join(dir, path === '' ? 'mesh.html' : path)).then(body => {
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      res.end(body)
    }, () => {
      res.writeHead(404).end()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => { resolve() }))
      await rm(dir, { recursive: true, force: true })
    }
  }
}
