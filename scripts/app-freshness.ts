/**
 * Whether the built app in `dist/` is older than what it is built from, so `npm start` (prestart) runs `vite build`
 * only when something changed. Times are file modification times, as make compares them.
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** What the app is built from, relative to the package root: directories are walked, files stat'ed. */
export const APP_SOURCES = ['app', 'core', 'public', 'vite.config.ts', 'tsconfig.json', 'package.json', 'package-lock.json']

/** Files every build writes (the last ones `pwaExtras` writes among them), relative to the output directory. */
export const APP_OUTPUTS = ['index.html', 'embed.js', 'sw.js']

/** The verdict, with the reason a person reads. */
export interface Freshness {
  stale: boolean
  reason: string
}

async function newest (path: string): Promise<{ path: string, mtimeMs: number } | undefined> {
  let info
  try {
    info = await stat(path)
  } catch {
    return undefined
  }
  if (!info.isDirectory()) return { path, mtimeMs: info.mtimeMs }
  let best: { path: string, mtimeMs: number } | undefined
  for (const entry of await readdir(path)) {
    const found = await newest(join(path, entry))
    if (found !== undefined && (best === undefined || found.mtimeMs > best.mtimeMs)) best = found
  }
  return best
}

/**
 * Compare the newest source under `root` with the oldest of the build's outputs in `outDir`: stale when an output
 * is missing or a source changed after it was written.
 *
 * @example
 * ```ts
 * const { stale, reason } = await appFreshness({ root: process.cwd(), outDir: 'dist' })
 * ```
 */
export async function appFreshness (options: { root: string, outDir: string, sources?: string[], outputs?: string[] }): Promise<Freshness> {
  let oldestOutput = Infinity
  for (const output of options.outputs ?? APP_OUTPUTS) {
    const info = await stat(join(options.outDir, output)).catch(() => undefined)
    if (info === undefined) return { stale: true, reason: `${output} is not built yet` }
    oldestOutput = Math.min(oldestOutput, info.mtimeMs)
  }
  for (const source of options.sources ?? APP_SOURCES) {
    const found = await newest(join(options.root, source))
    if (found !== undefined && found.mtimeMs > oldestOutput) return { stale: true, reason: `${found.path.slice(options.root.length + 1)} changed since the last build` }
  }
  return { stale: false, reason: 'the built app is newer than its sources' }
}
