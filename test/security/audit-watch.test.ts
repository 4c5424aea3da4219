import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { AuditLog, auditFiles } from '../../node-relay/audit/audit-log.ts'
import { AuditWatch } from '../../node-relay/audit/audit-watch.ts'
import { auditMetrics } from '../../node-relay/audit/metrics.ts'

async function problemsGauge (registry: Registry): Promise<number | undefined> {
  const metric = await registry.getSingleMetric('ipfs_kit_audit_verify_problems')?.get()
  return metric?.values[0]?.value
}

describe('AuditWatch: the live audit log is verified while the relay runs', () => {
  let dir = ''
  let log: AuditLog | undefined
  afterEach(async () => {
    await log?.close()
    await rm(dir, { recursive: true, force: true })
  })

  async function openLog (): Promise<{ log: AuditLog, peerId: string }> {
    dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-audit-watch-'))
    const privateKey = await generateKeyPair('Ed25519')
    log = await AuditLog.open({ dir, privateKey, checkpointEvery: 2 })
    for (let i = 0; i < 5; i++) await log.append({ actor: 'local', action: 'POST /api/v1/add', target: `bafk${i}`, result: 'ok', status: 200 })
    return { log, peerId: peerIdFromPrivateKey(privateKey).toString() }
  }

  it('reports 0 problems for an intact log, then the edit someone made to a line', async () => {
    const opened = await openLog()
    const watch = new AuditWatch({ log: opened.log, dir, expectedPeerId: opened.peerId, intervalMs: 0 })
    const registry = new Registry()
    auditMetrics(registry, watch)
    expect(await problemsGauge(registry)).toBe(0)
    expect((await watch.verifyNow()).problems).toBe(0)
    expect(watch.last?.entries).toBe(5)

    const [file = ''] = await auditFiles(dir)
    const text = await readFile(file, 'utf8')
    await writeFile(file, text.replace('bafk2', 'bafkX'))
    expect((await watch.verifyNow()).problems).toBeGreaterThan(0)
    expect(await problemsGauge(registry)).toBeGreaterThan(0)
    await watch.stop()
  })

  it('does not count an append in progress (a last line without its newline) as a problem', async () => {
    const opened = await openLog()
    const [file = ''] = await auditFiles(dir)
    await appendFile(file, '{"type":"entry","seq":')
    const watch = new AuditWatch({ log: opened.log, dir, expectedPeerId: opened.peerId, intervalMs: 0 })
    expect((await watch.verifyNow()).problems).toBe(0)
    await watch.stop()
  })

  it('flags checkpoints signed by another key than the relay\'s', async () => {
    const opened = await openLog()
    const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const watch = new AuditWatch({ log: opened.log, dir, expectedPeerId: other, intervalMs: 0 })
    expect((await watch.verifyNow()).report?.problems.map(p => p.kind)).toContain('bad-signature')
    await watch.stop()
  })
})
