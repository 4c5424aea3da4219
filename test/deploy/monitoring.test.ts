import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'

const PROMETHEUS = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url))
const DASHBOARD = fileURLToPath(new URL('../../deploy/grafana/ipfs-kit.json', import.meta.url))
const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find(path => existsSync(path))

/** Every ipfs-kit metric name a rule or a panel uses. */
function metricNames (text: string): string[] {
  return [...new Set(text.match(/ipfs_kit_[a-z0-9_]+/g) ?? [])]
}

describe('Prometheus alert rules and the Grafana dashboard', () => {
  let relay: TestRelay
  let exposed: Set<string>
  beforeAll(async () => {
    relay = await startTestRelay()
    // labelled series appear once used: a request with a body (latency, bytes in) that emits events
    await fetch(`${relay.url}/api/v1/add`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'metrics' })
    await fetch(`${relay.url}/health`)
    // metrics are recorded once each response has gone out: read until the add's series are there
    let text = ''
    for (let i = 0; i < 50 && !text.includes('ipfs_kit_http_request_bytes_total{'); i++) {
      text = await (await fetch(`${relay.url}/metrics`)).text()
      if (!text.includes('ipfs_kit_http_request_bytes_total{')) await new Promise(resolve => setTimeout(resolve, 100))
    }
    exposed = new Set(text.split('\n').filter(line => line !== '' && !line.startsWith('#')).map(line => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? ''))
  })
  afterAll(async () => { await relay?.destroy() })

  it.skipIf(PROMTOOL === undefined)('the rules are valid and each alert fires on its test series (promtool)', () => {
    const promtool = PROMTOOL ?? 'promtool'
    execFileSync(promtool, ['check', 'rules', 'ipfs-kit.rules.yml'], { cwd: PROMETHEUS, stdio: 'pipe' })
    execFileSync(promtool, ['test', 'rules', 'ipfs-kit.rules.test.yml'], { cwd: PROMETHEUS, stdio: 'pipe' })
  })

  it('uses only metrics the relay exposes', async () => {
    const rules = await readFile(`${PROMETHEUS}ipfs-kit.rules.yml`, 'utf8')
    const dashboard = await readFile(DASHBOARD, 'utf8')
    const used = metricNames(rules + dashboard)
    expect(used.length).toBeGreaterThan(15)
    expect(used.filter(name => !exposed.has(name))).toEqual([])
  })

  it('has an alert per failure an operator must hear about, and a panel per figure', async () => {
    const rules = await readFile(`${PROMETHEUS}ipfs-kit.rules.yml`, 'utf8')
    for (const alert of ['IpfsKitRelayDown', 'IpfsKitClusterPeerSilent', 'IpfsKitPinsInError', 'IpfsKitReplicationBelowMinimum', 'IpfsKitDiskNearlyFull', 'IpfsKitCorruptBlocks']) {
      expect(rules).toContain(`alert: ${alert}`)
    }
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: Array<{ title: string, targets: Array<{ expr: string }> }> }
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(15)
    for (const panel of dashboard.panels) expect(panel.targets.length, panel.title).toBeGreaterThan(0)
  })
})
