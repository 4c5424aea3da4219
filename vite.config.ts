import { fileURLToPath } from 'node:url'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'

const aegirChai = fileURLToPath(new URL('./test/support/aegir-chai.ts', import.meta.url))

/** Flags Debian's Chromium needs on these machines (see ../shared/DESIGN.md). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export default defineConfig({
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
          include: ['test/unit/**/*.test.ts', 'test/compliance/**/*.test.ts', 'test/relay/**/*.test.ts', 'test/e2e/**/*.e2e.test.ts', 'test/mcp/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000
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
            instances: [{ browser: 'chromium' }]
          }
        }
      }
    ]
  }
})
