import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const modules = join(root, 'node_modules')

/** Packages that hand CIDs to each other: a second copy of multiformats among them breaks `instanceof CID`. */
const CID_PASSERS = [/^helia$/, /^@helia\//, /^@ipld\//, /^ipfs-unixfs/, /^libp2p$/, /^@libp2p\//, /^interface-blockstore/, /^blockstore-/]

/**
 * Packages used only inside Storacha's UCAN client stack (multiformats 13). Our Storacha backend hands CIDs across
 * that boundary as strings and parses them back with our own copy, so their CID class never meets ours.
 */
const STORACHA_ISLAND = new Set(['@ipld/dag-ucan', '@ipld/unixfs'])
const passesCids = (name: string): boolean => !STORACHA_ISLAND.has(name) && CID_PASSERS.some(p => p.test(name))

function installedPackages (): string[] {
  const names: string[] = []
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue
    if (entry.startsWith('@')) for (const sub of readdirSync(join(modules, entry))) names.push(`${entry}/${sub}`)
    else names.push(entry)
  }
  return names
}

/** Where Node would resolve `multiformats` from a package directory (walks up node_modules folders). */
function resolveMultiformats (fromDir: string): string | undefined {
  let dir = fromDir
  while (true) {
    const candidate = join(dir, 'node_modules', 'multiformats')
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate)
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

describe('one copy of multiformats', () => {
  it('is what our code and every CID-passing dependency resolve', () => {
    const ours = resolveMultiformats(root)
    expect(ours).toBeDefined()
    const version = JSON.parse(readFileSync(join(ours ?? '', 'package.json'), 'utf8')) as { version: string }
    expect(version.version).toMatch(/^14\./)
    const others: string[] = []
    for (const name of installedPackages().filter(passesCids)) {
      const resolved = resolveMultiformats(join(modules, name))
      if (resolved !== undefined && resolved !== ours) others.push(`${name} → ${resolved}`)
    }
    expect(others).toEqual([])
  })

  it('has no nested copy owned by a CID-passing package, however deep', () => {
    const offenders: string[] = []
    const walk = (dir: string, owner: string | undefined): void => {
      const nested = join(dir, 'node_modules')
      if (!existsSync(nested)) return
      for (const entry of readdirSync(nested)) {
        if (entry.startsWith('.')) continue
        const names = entry.startsWith('@') ? readdirSync(join(nested, entry)).map(sub => `${entry}/${sub}`) : [entry]
        for (const name of names) {
          if (name === 'multiformats') {
            if (owner !== undefined && passesCids(owner)) offenders.push(`${owner} has its own multiformats`)
            continue
          }
          walk(join(nested, name), name)
        }
      }
    }
    walk(root, undefined)
    expect(offenders).toEqual([])
  })
})
