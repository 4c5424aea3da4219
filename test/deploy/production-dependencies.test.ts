/**
 * What the relay imports at run time must be a production dependency: the container image installs
 * `npm ci --omit=dev` (then prunes what Node never loads), so a package the relay imports that sits in
 * devDependencies works in every test here and fails the image at start (`ERR_MODULE_NOT_FOUND`). That happened
 * once (`blockstore-fs` in the at-rest scratch store); this test would have caught it.
 */
import { readdir, readFile } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** The code `ipfs-kit start` and the CLI run on Node (the app is bundled by Vite, so its imports may be dev ones). */
const RUNTIME_DIRS = ['node-relay', 'core']

async function sourceFiles (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...await sourceFiles(path))
    else if (/\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

/** Bare package names a file loads at run time (type-only imports are erased and do not count). */
function runtimeImports (text: string): string[] {
  const names: string[] = []
  const pattern = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm
  for (const match of text.matchAll(pattern)) {
    const spec = match[1] ?? match[2] ?? ''
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || builtinModules.includes(spec)) continue
    const parts = spec.split('/')
    names.push(spec.startsWith('@') ? `${parts[0] ?? ''}/${parts[1] ?? ''}` : parts[0] ?? '')
  }
  return names
}

describe('production dependencies', () => {
  it('lists every package the relay and the CLI import at run time in dependencies, not devDependencies', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>, optionalDependencies?: Record<string, string> }
    const production = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})])
    const missing: string[] = []
    let checked = 0
    for (const dir of RUNTIME_DIRS) {
      for (const file of await sourceFiles(join(ROOT, dir))) {
        for (const name of runtimeImports(await readFile(file, 'utf8'))) {
          checked++
          if (!production.has(name)) missing.push(`${name} (${file.slice(ROOT.length)})`)
        }
      }
    }
    expect(checked).toBeGreaterThan(100)
    expect(missing).toEqual([])
  })
})
