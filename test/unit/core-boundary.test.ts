import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

async function * tsFiles (dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield * tsFiles(path)
    else if (entry.name.endsWith('.ts')) yield path
  }
}

/** Globals only one runtime has: Node's, or the DOM's (Workers and the relay lack them). */
const FORBIDDEN = [
  { what: 'a node: import', pattern: /from\s+['"]node:|import\(\s*['"]node:|require\(/ },
  { what: 'a Node built-in import', pattern: /from\s+['"](fs|path|os|crypto|stream|buffer|http|https|net|child_process)(\/[^'"]*)?['"]/ },
  { what: 'Node globals', pattern: /\b(process\.|Buffer\.|__dirname|__filename)/ },
  { what: 'DOM-only globals', pattern: /\b(window\.|document\.|localStorage|sessionStorage|navigator\.serviceWorker)/ }
]

describe('core/ stays runtime-neutral', () => {
  it('has no node:* imports, Node globals or DOM-only globals', async () => {
    const offences: string[] = []
    for await (const file of tsFiles(join(root, 'core'))) {
      const source = await readFile(file, 'utf8')
      const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
      for (const rule of FORBIDDEN) {
        if (rule.pattern.test(code)) offences.push(`${relative(root, file)}: ${rule.what}`)
      }
    }
    expect(offences).toEqual([])
  })

  it('bundles for the browser with no Node built-ins', async () => {
    const { build } = await import('esbuild')
    const result = await build({
      entryPoints: [join(root, 'core/content/index.ts'), join(root, 'core/blocks/index.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      outdir: 'out',
      logLevel: 'silent'
    })
    expect(result.errors).toEqual([])
    const text = result.outputFiles.map(f => f.text).join('\n')
    expect(text).not.toMatch(/from\s*["']node:/)
  })
})
