import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ERROR_STATUS } from '../../core/errors/index.ts'
import * as errors from '../../core/errors/index.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

async function sources (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(ts|svelte)$/.test(entry.name)) out.push(join(entry.parentPath, entry.name))
  }
  return out
}

describe('one error catalogue', () => {
  it('knows every error code the code raises or answers with (core/errors/status.ts)', async () => {
    const unknown: string[] = []
    for (const dir of ['core', 'node-relay', 'app']) {
      for (const file of await sources(dir)) {
        const text = await readFile(file, 'utf8')
        for (const match of text.matchAll(/['"`](ERR_[A-Z0-9_]+)/g)) {
          const code = match[1] ?? ''
          if (!Object.hasOwn(ERROR_STATUS, code)) unknown.push(`${file.slice(ROOT.length)}: ${code}`)
        }
      }
    }
    expect(unknown).toEqual([])
  })

  it('gives every defined error class its code and name', () => {
    const classes = Object.entries(errors).filter(([name, value]) => typeof value === 'function' && name.endsWith('Error') && 'code' in value)
    expect(classes.length).toBeGreaterThan(15)
    for (const [name, value] of classes) {
      const ErrorClass = value as unknown as new (message: string) => Error & { code: string }
      const instance = new ErrorClass('x')
      expect(instance.name, name).toBe(name)
      expect(instance.code, name).toBe((value as unknown as { code: string }).code)
      expect(instance).toBeInstanceOf(errors.IpfsKitError)
      expect(Object.hasOwn(ERROR_STATUS, instance.code), name).toBe(true)
    }
  })
})
