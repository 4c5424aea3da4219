import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The directory of ipfs-kit's package.json, found by walking up from this module: the same answer from the
 * TypeScript sources of a checkout and from the bundled `build/cli.js` of an installed package.
 */
export function packageRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error('ipfs-kit cannot find its package.json')
    dir = parent
  }
}

/** The version in package.json. */
export function packageVersion (): string {
  const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }
  return version
}
