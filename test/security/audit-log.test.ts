import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuditLog, auditFiles } from '../../node-relay/audit/audit-log.ts'
import { verifyAuditLog } from '../../node-relay/audit/verify.ts'
import { callOk, connectHttp } from '../mcp/support.ts'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

async function writeLog (dir: string, count: number, options: { maxFileBytes?: number } = {}): Promise<void> {
  const log = await AuditLog.open({ dir, privateKey: await generateKeyPair('Ed25519'), checkpointEvery: 4, ...options })
  for (let i = 0; i < count; i++) await log.append({ actor: 'local', action: 'POST /api/v1/add', target: `bafk${i}`, result: 'ok', status: 200 })
  await log.close()
}

async function lines (dir: string): Promise<string[]> {
  const [file] = await auditFiles(dir)
  return (await readFile(file ?? '', 'utf8')).trimEnd().split('\n')
}

async function rewrite (dir: string, edit: (lines: string[]) => string[]): Promise<void> {
  const [file] = await auditFiles(dir)
  await writeFile(file ?? '', edit(await lines(dir)).join('\n') + '\n')
}

describe('audit log: a hash chain with signed checkpoints', () => {
  const dirs: string[] = []
  const fresh = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-audit-'))
    dirs.push(dir)
    return dir
  }
  afterAll(async () => { await Promise.all(dirs.map(async dir => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }))) })

  it('verifies an untouched log, across restarts and rotated files', async () => {
    const dir = await fresh()
    await writeLog(dir, 10, { maxFileBytes: 2048 })
    await writeLog(dir, 5, { maxFileBytes: 2048 }) // reopened: the chain continues (signed by another key: a new relay identity)
    expect((await auditFiles(dir)).length).toBeGreaterThan(1)
    const report = await verifyAuditLog(dir)
    expect(report.problems).toEqual([])
    expect(report.entries).toBe(15)
    expect(report.checkpoints).toBeGreaterThanOrEqual(4)
  })

  it('pinpoints an edited, a removed and a reordered entry', async () => {
    const edited = await fresh()
    await writeLog(edited, 8)
    await rewrite(edited, all => all.map((line, i) => i === 2 ? line.replace('"actor":"local"', '"actor":"someone else"') : line))
    expect((await verifyAuditLog(edited)).problems[0]).toMatchObject({ line: 3, kind: 'edited' })

    const removed = await fresh()
    await writeLog(removed, 8)
    await rewrite(removed, all => all.filter((_line, i) => i !== 3))
    expect((await verifyAuditLog(removed)).problems[0]).toMatchObject({ line: 4, kind: 'removed' })

    const reordered = await fresh()
    await writeLog(reordered, 8)
    await rewrite(reordered, all => { const out = [...all]; [out[1], out[2]] = [out[2] ?? '', out[1] ?? '']; return out })
    const problems = (await verifyAuditLog(reordered)).problems
    expect(problems.map(p => p.kind)).toContain('reordered')
    expect(problems[0]?.line).toBe(2)
  })

  it('refuses checkpoints signed by another key than the relay\'s', async () => {
    const dir = await fresh()
    await writeLog(dir, 4)
    const report = await verifyAuditLog(dir, { expectedPeerId: '12D3KooWSomeOtherPeerSomeOtherPeerSomeOtherPeer' })
    expect(report.problems.map(p => p.kind)).toContain('bad-signature')
  })

  it('cuts a line torn by a crash and continues the chain', async () => {
    const dir = await fresh()
    await writeLog(dir, 3)
    const [file] = await auditFiles(dir)
    await appendFile(file ?? '', '{"type":"entry","seq":99,"at":"2026')
    await writeLog(dir, 2)
    expect((await verifyAuditLog(dir)).problems).toEqual([])
  })
})

describe('the relay audits writes, denials and MCP tool calls', () => {
  let relay: TestRelay
  beforeAll(async () => { relay = await startTestRelay() })
  afterAll(async () => { await relay?.destroy() })

  it('records who did what to which CID, never a key, and verifies through the API and the CLI', async () => {
    const add = await fetch(`${relay.url}/api/v1/add?name=x`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'audited' })
    const { cid } = await add.json() as { cid: string }
    const denied = await fetch(`${relay.url}/api/v1/pins/${cid}`, { method: 'DELETE', headers: { origin: 'http://evil.example' } })
    expect(denied.status).toBe(403)
    const created = await fetch(`${relay.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'agent', role: 'writer' }) })
    const { key } = await created.json() as { key: string }
    const client = await connectHttp(relay.url, { authorization: `Bearer ${key}` })
    await callOk(client, 'ipfs_add', { text: 'from an agent' })
    await client.close()

    const admin = await (await fetch(`${relay.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ name: 'nope', role: 'admin' }) })).json() as { code: string }
    expect(admin.code).toBe('ERR_FORBIDDEN')

    const ops = await fetch(`${relay.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"ops","role":"admin"}' })
    expect(ops.status).toBe(401) // keys exist now: the local user needs one too
    const listing = await fetch(`${relay.url}/api/v1/audit`, { headers: { authorization: `Bearer ${key}` } })
    expect(listing.status).toBe(403) // the audit log is for admins

    const log = (await Promise.all((await auditFiles(join(relay.dataDir, 'audit'))).map(async f => readFile(f, 'utf8')))).join('')
    expect(log).toContain(`"action":"POST /api/v1/add","target":"${cid}","result":"ok","status":200`)
    expect(log).toContain(`"target":"${cid}","result":"denied","status":403`)
    expect(log).toMatch(/"actor":"key:[a-z0-9]+ \(agent\)","ip":"[^"]+","action":"mcp ipfs_add","result":"ok"/)
    expect(log).toMatch(/"action":"POST \/api\/v1\/keys","result":"denied","status":403/)
    expect(log).not.toContain(key.slice(14))

    const child = spawn(process.execPath, [MAIN, '--json', 'audit', 'verify', '--data-dir', relay.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
    const code = await new Promise<number | null>(resolve => child.once('close', resolve))
    expect(code).toBe(0)
    expect(JSON.parse(out)).toMatchObject({ ok: true })
  })
})
