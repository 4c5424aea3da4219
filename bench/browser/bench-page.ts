/**
 * Serve bundled benchmark code to a real Chromium page: esbuild bundles the page entries into a temp directory,
 * a node:http server on 127.0.0.1 (a secure context, so WebCrypto and IndexedDB behave as in production) serves
 * them, and playwright-core drives Debian's Chromium with one browser context.
 *
 * That context is by default a fresh `newContext()`, which Chromium makes off-the-record: IndexedDB then lives
 * in memory and no write reaches the disk. `profile: 'disk'` uses a persistent profile in a temp directory
 * instead, so IndexedDB writes (and `durability`) hit the filesystem as they do for a real user.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { build } from 'esbuild'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../vite.config.ts'

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' }

/** Where the page's storage lives: in memory (off-the-record context) or in a profile on disk. */
export type BenchProfile = 'memory' | 'disk'

/** Bundle `entries` (absolute paths), open them in one page, run `use(page)`, and clean everything up. */
export async function withBenchPage<T> (entries: string[], use: (page: Page) => Promise<T>, profile: BenchProfile = 'memory'): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-bench-'))
  let server: Server | undefined
  const context = await openContext(profile, join(dir, 'profile'))
  try {
    await build({
      entryPoints: entries,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outdir: dir,
      entryNames: '[name]',
      logLevel: 'error'
    })
    // a worker's entry (`*-worker.ts`) is bundled and served, not run on the page
    const scripts = entries.filter(e => !basename(e).endsWith('-worker')).map(e => `<script type="module" src="/${basename(e)}.js"></script>`).join('\n')
    await writeFile(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>bench</title>\n${scripts}\n`)
    server = await serve(dir)
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('bench server has no port')
    const page = await context.newPage()
    page.on('pageerror', err => { process.stderr.write(`page error: ${err.message}\n`) })
    await page.goto(`http://127.0.0.1:${address.port}/index.html`)
    await page.waitForLoadState('load')
    return await use(page)
  } finally {
    await context.close()
    await context.browser()?.close()
    server?.close()
    await rm(dir, { recursive: true, force: true })
  }
}

async function openContext (profile: BenchProfile, profileDir: string): Promise<BrowserContext> {
  const launch = { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }
  if (profile === 'disk') return chromium.launchPersistentContext(profileDir, launch)
  return (await chromium.launch(launch)).newContext()
}

function basename (path: string): string {
  const file = path.split('/').at(-1) ?? path
  return file.replace(/\.[^.]+$/, '')
}

async function serve (dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0]?.replace(/^\/+/, '') ?? ''
    if (name.includes('..') || name.includes('/')) {
      res.writeHead(404).end()
      return
    }
    readFile(join(dir, name === '' ? 'index.html' : name)).then(body => {
      res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream' }).end(body)
    }, () => { res.writeHead(404).end() })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return server
}
