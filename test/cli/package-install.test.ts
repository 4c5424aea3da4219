/**
 * The CLI as people install it: `npm pack`, `npm install -g` of the tarball into a temporary prefix, then the
 * installed `ipfs-kit` run from another directory: `--version`, `add` and `cat` against a relay. With a Node older
 * than 22 it says what to install instead of dying with a stack trace.
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** The Node running the tests (≥ 22): put first on PATH, as a user with Node 22 installed would have it. */
const NODE22_DIR = dirname(process.execPath)

let relay: TestRelay
let work: string

beforeAll(async () => {
  relay = await startTestRelay()
  work = await mkdtemp(join(tmpdir(), 'ipfs-kit-install-'))
}, 60_000)

afterAll(async () => {
  await relay?.destroy()
  await rm(work, { recursive: true, force: true, maxRetries: 3 })
})

describe('the installed ipfs-kit command', () => {
  it('packs, installs globally, and runs --version, add and cat from another directory', async () => {
    // the bundle only: `npm pack`'s prepack would also rebuild dist/, which other tests may be serving right now
    await run(process.execPath, [join(ROOT, 'scripts/build-cli.ts')], { cwd: ROOT })
    const packDir = join(work, 'pack')
    await mkdir(packDir, { recursive: true })
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], { cwd: ROOT })
    const [tarball] = (await readdir(packDir)).filter(f => f.endsWith('.tgz'))
    if (tarball === undefined) throw new Error('npm pack made no tarball')
    const prefix = join(work, 'prefix')
    // dependencies come from the npm cache that `npm ci` filled; install scripts are not needed to run the CLI
    await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', join(packDir, tarball)], { cwd: work, maxBuffer: 16 * 1024 * 1024 })

    const bin = join(prefix, 'bin', 'ipfs-kit')
    const elsewhere = join(work, 'elsewhere')
    await mkdir(elsewhere, { recursive: true })
    const env = { ...process.env, PATH: `${NODE22_DIR}:${process.env.PATH ?? ''}` }
    const version = await run(bin, ['--version'], { cwd: elsewhere, env })
    expect(version.stdout.trim()).toMatch(/^ipfs-kit \d+\.\d+\.\d+/)

    await writeFile(join(elsewhere, 'note.txt'), 'installed and working\n')
    const added = await run(bin, ['--api', relay.url, 'add', '-Q', 'note.txt'], { cwd: elsewhere, env })
    const cid = added.stdout.trim()
    expect(cid).toMatch(/^bafk/)
    const cat = await run(bin, ['--api', relay.url, 'cat', cid], { cwd: elsewhere, env })
    expect(cat.stdout).toBe('installed and working\n')

    // a Node older than 22 on PATH first (Debian's, here): a clear message and exit 2, not a stack trace
    const old = await run('/usr/bin/node', ['--version']).then(r => r.stdout.trim()).catch(() => undefined)
    if (old !== undefined && Number(old.slice(1).split('.')[0]) < 22) {
      const refused: unknown = await run('/usr/bin/node', [bin, '--version'], { cwd: elsewhere }).catch((err: unknown) => err)
      expect(refused).toMatchObject({ code: 2, stderr: expect.stringMatching(/needs Node\.js 22\.12 or newer/) })
    }
  }, 600_000)
})
