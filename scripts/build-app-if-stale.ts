/**
 * `npm start`'s prestart: build the app with `vite build` only when `dist/` is older than its sources
 * (scripts/app-freshness.ts); otherwise start at once. `npm run build` always builds.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { appFreshness } from './app-freshness.ts'

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
const { stale, reason } = await appFreshness({ root, outDir: `${root}/dist` })
if (!stale) {
  process.stderr.write(`app: up to date (${reason}); not rebuilding\n`)
} else {
  process.stderr.write(`app: building (${reason})\n`)
  const built = spawnSync('vite', ['build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
  process.exitCode = built.status ?? 1
}
