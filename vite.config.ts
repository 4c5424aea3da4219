import { cp, mkdir, readdir, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { playwright } from '@vitest/browser-playwright'
import { build as esbuild } from 'esbuild'
import { configDefaults, defineConfig } from 'vitest/config'
import type { Plugin } from 'vite'

const aegirChai = fileURLToPath(new URL('./test/support/aegir-chai.ts', import.meta.url))
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

/** Flags Debian's Chromium needs on these machines (see ../shared/DESIGN.md). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

async function filesUnder (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...await filesUnder(path))
    else out.push(path)
  }
  return out
}

/**
 * After the app is built: copy the manifest, icons and embed demo from public/ (not `publicDir`: public/index.html is
 * the relay's placeholder and must not replace the app's), bundle the web component to `embed.js` (one self-contained
 * ES module) and the service worker to `sw.js` with its cache version and the app-shell file list.
 */
function pwaExtras (): Plugin {
  let outDir = here('./dist')
  return {
    name: 'ipfs-kit-pwa-extras',
    apply: 'build',
    configResolved (config) { outDir = config.build.outDir },
    async closeBundle () {
      await mkdir(join(outDir, 'icons'), { recursive: true })
      await cp(here('./public/icons'), join(outDir, 'icons'), { recursive: true })
      await cp(here('./public/manifest.webmanifest'), join(outDir, 'manifest.webmanifest'))
      await cp(here('./public/embed-demo.html'), join(outDir, 'embed-demo.html'))
      const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, logLevel: 'error' } as const
      await esbuild({ ...common, entryPoints: [here('./app/embed/ipfs-kit-node.ts')], outfile: join(outDir, 'embed.js') })
      const shell = (await filesUnder(outDir)).map(f => '/' + relative(outDir, f).split('\\').join('/'))
        .filter(f => f !== '/sw.js' && f !== '/embed-demo.html' && !f.endsWith('.map'))
        .map(f => f === '/index.html' ? '/' : f)
      const stamp = (await stat(join(outDir, 'index.html'))).mtimeMs.toString(36)
      await esbuild({
        ...common,
        entryPoints: [here('./app/sw.ts')],
        outfile: join(outDir, 'sw.js'),
        define: { __SW_VERSION__: JSON.stringify(`ipfs-kit-shell-${stamp}`), __SW_SHELL__: JSON.stringify(shell) }
      })
    }
  }
}

export default defineConfig(({ mode }) => ({
  // `vite build` builds the PWA from app/ into dist/ (served by the relay); under vitest the root stays the repo
  root: mode === 'test' ? undefined : here('./app'),
  publicDir: false,
  plugins: mode === 'test' ? [] : [svelte(), pwaExtras()],
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048
  },
  worker: { format: 'es' as const },
  // pre-bundled up front: found mid-run, Vite re-optimises and reloads the page under a browser test
  optimizeDeps: { include: ['@orama/orama', '@orama/orama/trees', 'zod', 'comlink'] },
  resolve: {
    alias: { 'aegir/chai': aegirChai }
  },
  test: {
    globals: true,
    // processed by vite (not Node) so the `aegir/chai` alias above applies inside the suite
    server: { deps: { inline: ['interface-blockstore-tests'] } },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          // every Node test under test/ (a new folder needs no entry here); the Chromium ones run in the project below
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/browser/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // relays started by tests (in process or as `ipfs-kit start`) never reach for the public IPFS network: the
          // tests run without the internet; test/public-network sets up its own stand-in and turns it back on
          env: { IPFS_KIT_OFFLINE: 'true' },
          // CI runs on a shared 2-core machine where a browser mesh test (two Chromium tabs, WebRTC, bitswap) has
          // failed once in many runs on a want that was never answered; one retry there, none locally, so a
          // flaky test still shows up where people work (vitest reports every retried test)
          retry: process.env.CI === 'true' ? 1 : 0
        }
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.browser.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }
            }),
            instances: [{ browser: 'chromium' }],
            // the first run optimises the browser dependencies before the page can connect: slow on a loaded 2-core box
            connectTimeout: 180_000
          }
        }
      }
    ]
  }
}))
