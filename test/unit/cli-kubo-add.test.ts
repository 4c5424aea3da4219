import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

async function cli (api: string, args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [MAIN, '--api', api, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  return { code, stdout, stderr }
}

describe('ipfs-kit add follows `ipfs add`', () => {
  let relay: TestRelay
  let work: string

  beforeAll(async () => {
    relay = await startTestRelay()
    work = await mkdtemp(join(tmpdir(), 'ipfs-kit-kubo-add-'))
    await writeFile(join(work, 'hello.txt'), 'hello world\n')
    await writeFile(join(work, 'second.txt'), 'a second file\n')
    await mkdir(join(work, 'docs', 'deep'), { recursive: true })
    await writeFile(join(work, 'docs', 'readme.md'), '# readme\n')
    await writeFile(join(work, 'docs', 'deep', 'notes.txt'), 'notes\n')
  })
  afterAll(async () => {
    await relay?.destroy()
    await rm(work, { recursive: true, force: true })
  })

  it('adds a file as itself: `added <cid> <name>`, and the gateway serves its bytes for that CID', async () => {
    const run = await cli(relay.url, ['add', join(work, 'hello.txt')])
    expect(run.code, run.stderr).toBe(0)
    const match = /^added (\S+) hello\.txt\n$/.exec(run.stdout)
    expect(match, run.stdout).not.toBeNull()
    const body = await (await fetch(`${relay.url}/ipfs/${match?.[1] ?? ''}`)).text()
    expect(body).toBe('hello world\n')
  })

  it('makes the CIDs Kubo makes with --cid-version 0 (its legacy defaults)', async () => {
    const run = await cli(relay.url, ['add', '-Q', '--cid-version', '0', join(work, 'hello.txt')])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o')
    const raw = await cli(relay.url, ['add', '-Q', '--cid-version', '1', '--no-raw-leaves', '--chunker', 'size-262144', join(work, 'hello.txt')])
    expect(raw.code, raw.stderr).toBe(0)
    expect(raw.stdout.trim()).toMatch(/^bafybei/) // dag-pb leaf: not a raw (bafkrei) block
    const refused = await cli(relay.url, ['add', '--cid-version', '0', '--raw-leaves', join(work, 'hello.txt')])
    expect(refused.code).toBe(2)
  })

  it('refuses a directory without -r, as Kubo does', async () => {
    const run = await cli(relay.url, ['add', join(work, 'docs')])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("is a directory, use the '-r' flag")
  })

  it('adds a directory with -r as itself (root last), -q prints only CIDs', async () => {
    const run = await cli(relay.url, ['add', '-r', join(work, 'docs')])
    expect(run.code, run.stderr).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines.map(line => line.split(' ')[2])).toEqual(expect.arrayContaining(['docs/readme.md', 'docs/deep/notes.txt', 'docs/deep', 'docs']))
    expect(lines.at(-1)).toMatch(/^added \S+ docs$/)
    const root = lines.at(-1)?.split(' ')[1] ?? ''
    const listing = await (await fetch(`${relay.url}/api/v1/ls/${root}`)).json() as { entries: Array<{ name: string }> }
    expect(listing.entries.map(e => e.name).sort()).toEqual(['deep', 'readme.md'])
    const quiet = await cli(relay.url, ['add', '-r', '-q', join(work, 'docs')])
    expect(quiet.stdout.trim().split('\n')).toEqual(lines.map(line => line.split(' ')[1]))
  })

  it('wraps several files in one directory with -w; -Q prints only that directory', async () => {
    const run = await cli(relay.url, ['add', '-w', '-Q', join(work, 'hello.txt'), join(work, 'second.txt')])
    expect(run.code, run.stderr).toBe(0)
    const root = run.stdout.trim()
    const listing = await (await fetch(`${relay.url}/api/v1/ls/${root}`)).json() as { entries: Array<{ name: string }> }
    expect(listing.entries.map(e => e.name).sort()).toEqual(['hello.txt', 'second.txt'])
    const each = await cli(relay.url, ['add', '-q', join(work, 'hello.txt'), join(work, 'second.txt')])
    expect(each.stdout.trim().split('\n')).toHaveLength(2)
  })
})
