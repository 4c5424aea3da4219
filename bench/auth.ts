/**
 * The cost of access control and the audit log on small requests: the same relay build, two configurations, in one
 * run, measured alternately round by round (the machine is shared and noisy: compare within a run).
 *
 * - `open`: no API key exists and the audit log is off (what the first set shipped).
 * - `keys + audit`: an admin key exists (created offline with `ipfs-kit keys create -d`), every request carries it,
 *   every write is appended to the hash-chained audit log.
 *
 * Loads (autocannon in its own process, 50 connections): `GET /api/v1/cat/<1 KiB cid>` (a read: authentication and
 * the scope check) and `POST /api/v1/add` of 1 KiB (a write: authentication, scope, and one audit line each; the
 * same bytes every time, so the add itself is cheap after the first). Goal (issue 13): each ≥ 0.9× `open`.
 * Run alone with `npx tsx bench/auth.ts [--quick] [--json]`, or via `bench/run.ts`.
 */
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseBenchArgs } from './lib/args.ts'
import { freshTempDir } from './lib/data.ts'
import { startLoadWorker } from './lib/load.ts'
import { createReport, publishReport } from './lib/report.ts'
import { startRelayProcess } from './lib/relay-process.ts'
import { median } from './lib/stats.ts'
import type { BenchArgs } from './lib/args.ts'
import type { LoadWorker } from './lib/load.ts'
import type { BenchSection, Goal } from './lib/report.ts'

const MAIN = fileURLToPath(new URL('../node-relay/cli/main.ts', import.meta.url))
const CONNECTIONS = 50
const GOAL = 0.9

async function createOfflineKey (dataDir: string): Promise<string> {
  const child = spawn(process.execPath, [MAIN, '--json', 'keys', 'create', '--name', 'bench', '--role', 'admin', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  if (code !== 0) throw new Error(`keys create exited ${String(code)}`)
  return (JSON.parse(out) as { key: string }).key
}

interface Variant {
  name: string
  url: string
  headers: Record<string, string>
  stop: () => Promise<void>
}

async function startVariant (name: string, secured: boolean): Promise<Variant & { remove: () => Promise<void> }> {
  const dir = await freshTempDir(`auth-${secured ? 'on' : 'off'}`)
  const dataDir = join(dir.path, 'data')
  const configFile = join(dir.path, 'config.json')
  await writeFile(configFile, JSON.stringify({
    audit: { enabled: secured },
    // the upload limiter is not what is measured: 50 connections of adds must never meet it
    limits: { maxConcurrentUploads: 1000 },
    search: { enabled: false },
    cluster: { enabled: false }
  }))
  const key = secured ? await createOfflineKey(dataDir) : undefined
  const relay = await startRelayProcess({ dataDir, configFile })
  return {
    name,
    url: relay.url,
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
    stop: async () => { await relay.stop() },
    remove: async () => { await dir.remove() }
  }
}

async function addSmall (variant: Variant, body: string): Promise<string> {
  const res = await fetch(`${variant.url}/api/v1/add`, { method: 'POST', headers: { ...variant.headers, 'content-type': 'application/octet-stream' }, body })
  if (!res.ok) throw new Error(`add on ${variant.name}: ${res.status} ${await res.text()}`)
  return (await res.json() as { cid: string }).cid
}

/** Measure both variants, alternating, and compare each with `open`. */
export async function runAuthBench (args: Pick<BenchArgs, 'quick' | 'runs'>): Promise<BenchSection> {
  const durationSeconds = args.quick ? 1 : 5
  const rounds = args.quick ? 1 : (args.runs ?? 3)
  const body = 'x'.repeat(1024)
  const variants = [await startVariant('open', false), await startVariant('keys + audit', true)]
  let worker: LoadWorker | undefined
  const samples = new Map<string, number[]>()
  try {
    const cids = await Promise.all(variants.map(async variant => addSmall(variant, body)))
    worker = await startLoadWorker()
    for (let round = 0; round < rounds; round++) {
      for (const [index, variant] of variants.entries()) {
        const loads = [
          { kind: 'GET cat 1 KiB', url: `${variant.url}/api/v1/cat/${cids[index] ?? ''}`, method: 'GET', headers: variant.headers },
          { kind: 'POST add 1 KiB', url: `${variant.url}/api/v1/add`, method: 'POST', headers: { ...variant.headers, 'content-type': 'application/octet-stream' }, body }
        ]
        for (const load of loads) {
          const result = await worker.run({ ...load, connections: CONNECTIONS, durationSeconds, warmupSeconds: args.quick ? 0 : 1 })
          if (result.non2xx > 0 || result.errors > 0) throw new Error(`${variant.name} ${load.kind}: ${result.non2xx} non-2xx, ${result.errors} errors (${JSON.stringify(result.statusCodes)})`)
          const key = `${load.kind}|${variant.name}`
          samples.set(key, [...samples.get(key) ?? [], result.requestsPerSecondMean])
        }
      }
    }
  } finally {
    await worker?.close()
    for (const variant of variants) {
      await variant.stop()
      await variant.remove()
    }
  }
  const goals: Goal[] = []
  const rows: Array<Array<string | number>> = []
  for (const kind of ['GET cat 1 KiB', 'POST add 1 KiB']) {
    const open = median(samples.get(`${kind}|open`) ?? [0])
    const secured = median(samples.get(`${kind}|keys + audit`) ?? [0])
    const ratio = open > 0 ? secured / open : 0
    rows.push([kind, Math.round(open), Math.round(secured), ratio.toFixed(2)])
    goals.push({ description: `${kind}: keys + audit ≥ ${GOAL}× open (same run)`, ratio, threshold: GOAL, pass: ratio >= GOAL })
  }
  return {
    rows: [],
    goals,
    notes: [`auth: ${CONNECTIONS} connections, ${durationSeconds} s per load, ${rounds} round(s) alternating the two relays; req/s are medians of the rounds' means`],
    tables: [{ title: 'Access control and audit cost (req/s)', columns: ['request', 'open', 'keys + audit', 'ratio'], rows }]
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseBenchArgs()
  const startedAt = new Date()
  await publishReport(createReport('auth', startedAt, args.quick, [await runAuthBench(args)]), { json: args.json })
}
