import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestRelay } from '../relay/support.ts'
import { metricNamesIn } from './promql-names.ts'
import type { TestRelay } from '../relay/support.ts'

const PROMETHEUS = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url))
const DASHBOARD = fileURLToPath(new URL('../../deploy/grafana/ipfs-kit.json', import.meta.url))
const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find(path => existsSync(path))
// promtool comes with Debian's prometheus package, which test/run-all.sh installs; only without it are these skipped
const NO_PROMTOOL = PROMTOOL === undefined ? ' — SKIPPED: promtool is not installed (apt-get install prometheus)' : ''
/** Series Prometheus makes itself for every scrape target, not the relay. */
const SYNTHETIC = new Set(['up'])

interface Dashboard { panels: Array<{ title: string, targets: Array<{ expr: string }> }> }
interface RuleFile { groups: Array<{ rules: Array<{ alert?: string, expr: string }> }> }
interface RuleTests { tests: Array<{ alert_rule_test?: Array<{ alertname: string, exp_alerts: unknown[] }> }> }

async function rules (): Promise<Array<{ alert?: string, expr: string }>> {
  return (parse(await readFile(`${PROMETHEUS}ipfs-kit.rules.yml`, 'utf8')) as RuleFile).groups.flatMap(g => g.rules)
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

  it(`the rules pass promtool check rules${NO_PROMTOOL}`, ({ skip }) => {
    if (PROMTOOL === undefined) return skip('promtool is not installed')
    execFileSync(PROMTOOL, ['check', 'rules', 'ipfs-kit.rules.yml'], { cwd: PROMETHEUS, stdio: 'pipe' })
  })

  it(`each alert fires on its test series and not before (promtool test rules)${NO_PROMTOOL}`, ({ skip }) => {
    if (PROMTOOL === undefined) return skip('promtool is not installed')
    execFileSync(PROMTOOL, ['test', 'rules', 'ipfs-kit.rules.test.yml'], { cwd: PROMETHEUS, stdio: 'pipe' })
  })

  it('has a promtool test case, with an expected firing, for every alert', async () => {
    const tests = parse(await readFile(`${PROMETHEUS}ipfs-kit.rules.test.yml`, 'utf8')) as RuleTests
    const fired = new Set(tests.tests.flatMap(t => t.alert_rule_test ?? []).filter(c => c.exp_alerts.length > 0).map(c => c.alertname))
    const alerts = (await rules()).flatMap(r => r.alert === undefined ? [] : [r.alert])
    expect(alerts.filter(alert => !fired.has(alert))).toEqual([])
  })

  it('has an alert per failure an operator must hear about', async () => {
    const alerts = (await rules()).map(r => r.alert)
    for (const alert of ['IpfsKitRelayDown', 'IpfsKitClusterPeerSilent', 'IpfsKitPinsInError', 'IpfsKitReplicationBelowMinimum', 'IpfsKitStorageBackendDown',
      'IpfsKitDiskNearlyFull', 'IpfsKitAuditLogVerificationFailing', 'IpfsKitCorruptBlocks']) {
      expect(alerts).toContain(alert)
    }
  })

  it('alert rules read only metrics a started relay exports', async () => {
    const missing = (await rules()).flatMap(r => metricNamesIn(r.expr).filter(name => !SYNTHETIC.has(name) && !exposed.has(name)).map(name => `${r.alert ?? '?'}: ${name}`))
    expect(missing).toEqual([])
  })

  it('every dashboard query names a metric that a started relay exports at /metrics', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(25)
    const problems: string[] = []
    for (const panel of dashboard.panels) {
      if (panel.targets.length === 0) problems.push(`${panel.title}: no query`)
      for (const { expr } of panel.targets) {
        const names = metricNamesIn(expr)
        if (names.length === 0) problems.push(`${panel.title}: "${expr}" names no metric`)
        for (const name of names) if (!SYNTHETIC.has(name) && !exposed.has(name)) problems.push(`${panel.title}: ${name} is not exported`)
      }
    }
    expect(problems).toEqual([])
  })

  it('documents every ipfs_kit metric the relay exports (docs/MONITORING.md)', async () => {
    const doc = await readFile(fileURLToPath(new URL('../../docs/MONITORING.md', import.meta.url)), 'utf8')
    const families = new Set([...exposed].filter(name => name.startsWith('ipfs_kit_')).map(name => name.replace(/_(bucket|count|sum)$/, '')))
    expect([...families].filter(name => !doc.includes(`\`${name}\``))).toEqual([])
  })

  it('charts the figures an operator watches', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard
    const used = new Set(dashboard.panels.flatMap(p => p.targets.flatMap(t => metricNamesIn(t.expr))))
    for (const name of ['ipfs_kit_http_request_duration_seconds_count', 'ipfs_kit_http_request_duration_seconds_bucket', 'ipfs_kit_http_request_bytes_total',
      'ipfs_kit_http_response_bytes_total', 'ipfs_kit_libp2p_connections', 'ipfs_kit_cluster_local_pin_states', 'ipfs_kit_cluster_unhealthy_pins',
      'ipfs_kit_storage_backend_up', 'ipfs_kit_storage_backend_probe_duration_seconds', 'ipfs_kit_storage_stored_bytes', 'ipfs_kit_search_documents',
      'ipfs_kit_audit_verify_problems', 'ipfs_kit_repo_filesystem_avail_bytes', 'process_cpu_seconds_total', 'process_resident_memory_bytes']) {
      expect(used, name).toContain(name)
    }
  })
})
