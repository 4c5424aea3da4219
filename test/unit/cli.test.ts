/**
 * The `ipfs-kit` client commands, run as a child process (`node node-relay/cli/main.ts --api <relay>`) against a
 * real relay started in this process: what a person or a script sees, exit codes included.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { MemoryBlockstore } from '../../core/blocks/index.ts'
import { createContentStore } from '../../core/content/index.ts'
import { loadConfig } from '../../node-relay/config/load.ts'
import { startRelay } from '../../node-relay/relay.ts'
import { pseudoRandomBytes } from '../support/fixtures.ts'
import type { Relay } from '../../node-relay/relay.ts'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))
/** Preloaded into the child so it believes stderr is a terminal (where the progress bar is drawn). */
const FAKE_TTY = 'data:text/javascript,process.stderr.isTTY=true'

interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: Buffer
  stderr: string
}

/** Run the CLI with `--api <api>` and collect everything it prints. */
async function cli (api: string, args: string[], options: { nodeArgs?: string[] } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [...options.nodeArgs ?? [], MAIN, '--api', api, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (exitCode, exitSignal) => { resolve([exitCode, exitSignal]) })
  })
  return { code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString() }
}

/** Parse a run's stdout as the one JSON document `--json` promises. */
function json (run: CliRun): Record<string, unknown> {
  try {
    return JSON.parse(run.stdout.toString()) as Record<string, unknown>
  } catch {
    throw new Error(`stdout is not JSON (exit ${String(run.code)}, signal ${String(run.signal)}): ${run.stdout.toString().slice(0, 200)} | stderr: ${run.stderr.slice(0, 500)}`)
  }
}

function sha256 (bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Every file under a directory as `relative/path sha256`, sorted: two trees are equal when these are. */
async function treeDigest (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = entries.filter(e => e.isFile()).map(e => join(e.parentPath, e.name))
  const lines = await Promise.all(files.map(async f => `${relative(dir, f)} ${sha256(await readFile(f))}`))
  return lines.sort()
}

async function startTestRelay (dataDir: string): Promise<Relay> {
  return startRelay(await loadConfig({ flags: { dataDir, 'http.port': 0, 'libp2p.listen': ['/ip4/127.0.0.1/tcp/0/ws'], logLevel: 'silent', 'network.offline': true } }))
}

/** A port nothing listens on. */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>(resolve => server.close(() => { resolve() }))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('ipfs-kit CLI against a running relay', () => {
  let relay: Relay
  let work: string
  /** A 2.5 MiB file (three 1 MiB chunks), added on its own. */
  let filePath: string
  let fileBytes: Uint8Array
  /** A tree with nested directories, a non-ASCII name with a space, and a multi-chunk file. */
  let treePath: string

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ipfs-kit-cli-'))
    relay = await startTestRelay(join(work, 'relay'))
    fileBytes = pseudoRandomBytes(2_500_000, 11)
    filePath = join(work, 'file.bin')
    await writeFile(filePath, fileBytes)
    treePath = join(work, 'tree')
    await mkdir(join(treePath, 'sub', 'deeper'), { recursive: true })
    await writeFile(join(treePath, 'a.txt'), 'hello from the tree\n')
    await writeFile(join(treePath, 'sub', 'big.bin'), pseudoRandomBytes(1_300_000, 12))
    await writeFile(join(treePath, 'sub', 'deeper', 'ü space.txt'), 'deep\n')
    await writeFile(join(treePath, 'sub', 'empty.txt'), '')
  })

  afterAll(async () => {
    await relay?.stop()
    if (work !== undefined) await rm(work, { recursive: true, force: true })
  })

  it('adds a file unwrapped, then reads a byte range with cat and saves it with get', async () => {
    const added = await cli(relay.url, ['add', '-Q', '--no-pin', '--chunk-size', '1048576', filePath])
    expect(added.stderr).toBe('')
    expect(added.code).toBe(0)
    const cid = added.stdout.toString().trim()
    expect(cid).toMatch(/^bafy/)

    const out = join(work, 'got-file.bin')
    const [range, got] = await Promise.all([
      cli(relay.url, ['cat', '--offset', '1048000', '--length', '5000', cid]),
      cli(relay.url, ['get', cid, '-o', out])
    ])
    expect(range.code).toBe(0)
    expect(Buffer.compare(range.stdout, fileBytes.subarray(1_048_000, 1_053_000))).toBe(0)
    expect(got.code).toBe(0)
    expect(sha256(await readFile(out))).toBe(sha256(fileBytes))
  })

  it('adds a directory tree (-r) as itself, then ls, stat and get give it back byte-identical', async () => {
    const added = await cli(relay.url, ['--json', 'add', '-r', treePath])
    expect(added.code).toBe(0)
    const result = json(added)
    const root = String(result.cid)
    const entries = result.entries as Array<{ path: string }>
    expect(entries.map(e => e.path)).toEqual(expect.arrayContaining(['tree/a.txt', 'tree/sub/big.bin', 'tree/sub/deeper/ü space.txt', 'tree/sub/empty.txt', 'tree']))

    const out = join(work, 'got-tree')
    const [listing, stat, got] = await Promise.all([
      cli(relay.url, ['ls', `/ipfs/${root}/sub`]),
      cli(relay.url, ['--json', 'stat', '--dag-size', root]),
      cli(relay.url, ['get', root, '-o', out])
    ])
    expect(listing.code).toBe(0)
    const rows = listing.stdout.toString().trim().split('\n').map(line => /^(\S+) +(\S+) +(.+)$/.exec(line)?.slice(2).join(' '))
    expect(rows).toEqual(['1300000 big.bin', '- deeper/', '0 empty.txt'])
    expect(stat.code).toBe(0)
    expect(json(stat)).toMatchObject({ type: 'directory', local: true })
    expect(json(stat).blocks).toBeGreaterThan(4)
    expect(got.code).toBe(0)
    expect(await treeDigest(out)).toEqual(await treeDigest(treePath))
  })

  it('pins, lists and unpins a CID, with a name and metadata', async () => {
    const { cid: added } = await relay.service.add(pseudoRandomBytes(10_000, 21), { pin: false })
    const cid = added.toString()

    const pinned = await cli(relay.url, ['--json', 'pin', 'add', cid, '--name', 'holiday', '--meta', 'album=2026', '--meta', 'note=a=b'])
    expect(pinned.code).toBe(0)
    expect(json(pinned)).toMatchObject({ cid, name: 'holiday', depth: -1, metadata: { album: '2026', note: 'a=b' } })
    const listed = await cli(relay.url, ['--json', 'pin', 'ls', '--cid', cid])
    expect(json(listed).pins).toEqual([expect.objectContaining({ cid, name: 'holiday' })])

    const removed = await cli(relay.url, ['pin', 'rm', cid])
    expect(removed.code).toBe(0)
    expect(removed.stdout.toString()).toContain(cid)
    const after = await cli(relay.url, ['--json', 'pin', 'ls', '--cid', cid])
    expect(json(after).pins).toEqual([])
  })

  it('exports a CAR (to a file and to stdout) and imports it into a second relay', async () => {
    const root = (await relay.service.addAll([{ path: 'file.bin', content: fileBytes }], { pin: false })).at(-1)?.cid.toString()
    if (root === undefined) throw new Error('nothing added')
    const carPath = join(work, 'export.car')
    const [exported, piped] = await Promise.all([
      cli(relay.url, ['--json', 'car', 'export', root, '-o', carPath]),
      cli(relay.url, ['car', 'export', root])
    ])
    expect(exported.code).toBe(0)
    const car = await readFile(carPath)
    expect(json(exported)).toMatchObject({ cid: root, bytes: car.byteLength })
    expect(Buffer.compare(piped.stdout, car)).toBe(0)

    const other = await startTestRelay(join(work, 'relay-b'))
    try {
      const imported = await cli(other.url, ['--json', 'car', 'import', carPath])
      expect(imported.code).toBe(0)
      expect(json(imported)).toMatchObject({ roots: [root], newBlocks: json(imported).blocks })
      const read = await cli(other.url, ['cat', `${root}/file.bin`])
      expect(read.code).toBe(0)
      expect(Buffer.compare(read.stdout, fileBytes)).toBe(0)
      expect((await Array.fromAsync(other.service.pinLs())).map(pin => pin.cid.toString())).toEqual([root])
    } finally {
      await other.stop()
    }
  })

  it('exits 3 for content that is not there, 2 for bad input, 4 when no relay listens', async () => {
    const nowhere = createContentStore({ blockstore: new MemoryBlockstore() })
    const { cid: missing } = await nowhere.add(new TextEncoder().encode(`never added ${Date.now()}`))
    const closed = `http://127.0.0.1:${await closedPort()}`
    const [notFound, invalid, usage, unreachable] = await Promise.all([
      cli(relay.url, ['cat', missing.toString()]),
      cli(relay.url, ['--json', 'stat', 'not-a-cid']),
      cli(relay.url, ['pin', 'add']),
      cli(closed, ['--json', 'id'])
    ])
    expect(notFound.code).toBe(3)
    expect(notFound.stdout.byteLength).toBe(0)
    expect(notFound.stderr).toContain('ERR_NOT_FOUND')
    expect(invalid.code).toBe(2)
    expect(json(invalid)).toMatchObject({ error: { code: 'ERR_INVALID_CID' } })
    expect(usage.code).toBe(2)
    expect(unreachable.code).toBe(4)
    expect(json(unreachable)).toMatchObject({ error: { code: 'ERR_UNREACHABLE' } })
  })

  it('draws a progress bar on a terminal, but not with --json', async () => {
    const path = join(work, 'progress.bin')
    await writeFile(path, pseudoRandomBytes(3_000_000, 31))
    const [drawn, asJson] = await Promise.all([
      cli(relay.url, ['add', '--no-pin', path], { nodeArgs: ['--import', FAKE_TTY] }),
      cli(relay.url, ['--json', 'add', '--no-pin', path], { nodeArgs: ['--import', FAKE_TTY] })
    ])
    expect(drawn.code).toBe(0)
    expect(drawn.stderr).toMatch(/2\.9 MiB \/ 2\.9 MiB +100% +[\d.]+ MiB\/s/)
    expect(asJson.stderr).toBe('')
    expect(drawn.stdout.toString()).toBe(`added ${String(json(asJson).cid)} progress.bin\n`)
  })

  it('shows the relay\'s identity and peers', async () => {
    const [id, peers] = await Promise.all([cli(relay.url, ['--json', 'id']), cli(relay.url, ['--json', 'peers'])])
    expect(json(id)).toMatchObject({ peerId: relay.service.id().peerId })
    expect(json(peers)).toEqual({ peers: [] })
  })
})
