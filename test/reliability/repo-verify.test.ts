import { spawn } from 'node:child_process'
import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

async function verify (dataDir: string, repair: boolean): Promise<{ code: number | null, report: { ok: boolean, tornPins: unknown[], corruptBlocks: Array<{ cid: string }>, missingBlocks: unknown[] } }> {
  const child = spawn(process.execPath, [MAIN, '--json', 'repo', 'verify', '--data-dir', dataDir, ...repair ? ['--repair'] : []], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  return { code, report: JSON.parse(out) as never }
}

describe('ipfs-kit repo verify [--repair]', () => {
  let relay: TestRelay | undefined
  afterAll(async () => { await relay?.destroy() })

  it('finds a torn pin record and a corrupt block, repairs both, and the relay starts with the other pins', async () => {
    const first = await startTestRelay()
    const add = async (text: string): Promise<string> => {
      const res = await fetch(`${first.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: text })
      return (await res.json() as { cid: string }).cid
    }
    const kept = await add('a file that stays whole')
    const damaged = await add('a file whose only block gets corrupted')
    const dataDir = first.dataDir
    await first.stop()

    const pinDir = join(dataDir, 'datastore', 'pin')
    await writeFile(join(pinDir, 'CIQTORNTORNTORNTORNTORNTORNTORNTORNTORNTORNTORNTORNA.data'), new Uint8Array([0xa2, 0x65]))
    // the damaged file is one raw block: find its file by listing the shards and corrupt the one for that CID
    const { blockKey, blockPath } = await import('../../node-relay/blocks/fs-layout.ts')
    const { CID } = await import('multiformats/cid')
    await writeFile(blockPath(join(dataDir, 'blocks'), blockKey(CID.parse(damaged))), 'not what was added')

    const found = await verify(dataDir, false)
    expect(found.code).toBe(5)
    expect(found.report.ok).toBe(false)
    expect(found.report.tornPins).toHaveLength(1)
    expect(found.report.corruptBlocks.map(c => c.cid)).toEqual([damaged])

    const repaired = await verify(dataDir, true)
    expect(repaired.report.tornPins).toMatchObject([{ removed: true }])
    expect(repaired.report.corruptBlocks).toMatchObject([{ quarantined: true }])
    // the damaged pin now misses its block: reported, not repairable offline
    expect(repaired.report.missingBlocks).toEqual([{ cid: damaged, pin: damaged }])
    expect(await readdir(join(dataDir, 'quarantine'))).toHaveLength(1)

    relay = await startTestRelay({}, dataDir)
    const pins = await (await fetch(`${relay.url}/api/v1/pins`)).json() as { pins: Array<{ cid: string }> }
    expect(pins.pins.map(p => p.cid).sort()).toEqual([kept, damaged].sort())
    expect((await fetch(`${relay.url}/api/v1/cat/${kept}`)).status).toBe(200)
    // the right bytes put back make the pin whole again
    expect((await fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'a file whose only block gets corrupted' })).status).toBe(200)
    await relay.stop()
    const whole = await verify(dataDir, false)
    expect(whole.code).toBe(0)
    expect(whole.report.ok).toBe(true)
  }, 60_000)
})
