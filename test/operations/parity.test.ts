/**
 * Surface parity: every operation of the table, called with the same input through REST, MCP (the SDK client over
 * `/mcp`) and the CLI, gives the same result, and the same bad input gets the same error code everywhere. An
 * operation without a case here fails this test: a new operation comes with its test.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Mocks from '@filoz/synapse-core/mocks'
import { expect } from 'vitest'
import { OPERATIONS } from '../../node-relay/operations/index.ts'
import { fieldKind, flagNameOf, inputFields } from '../../node-relay/operations/input.ts'
import { EXIT } from '../../node-relay/cli/exit.ts'
import { routesGuardedBy } from '../../node-relay/http/auth-guard.ts'
import { addBytes, startTestRelay } from '../relay/support.ts'
import { call, connectHttp, errorCodeOf } from '../mcp/support.ts'
import { startLotusFake } from '../support/lotus-fake.ts'
import type { LotusFake } from '../support/lotus-fake.ts'
import { HubState } from '../storage/support/hf-hub-state.ts'
import { startFakeHub } from '../storage/support/hf-hub-server.ts'
import type { FakeHub } from '../storage/support/hf-hub-server.ts'
import { startSynapseProviders } from '../support/synapse-providers.ts'
import type { AnyOperation } from '../../node-relay/operations/index.ts'
import type { SynapseProviders } from '../support/synapse-providers.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

/** What a test needs to build inputs: a CID added for it, and a key id once one was made (and revoked). */
interface Fixture { jobId?: string, cid: string, dir: string, data?: string, keyId?: string, inviteId?: string, invitation?: string, dagCid?: string, car?: Uint8Array }

interface Case {
  /** A valid input. */
  input: (f: Fixture) => Record<string, unknown>
  /** A bad input and the code every surface must answer it with (absent: the operation takes no input). */
  bad?: { input: Record<string, unknown> | ((f: Fixture) => Record<string, unknown>), code: string }
  /** Run before each surface's call (a removal needs something to remove each time). */
  before?: (f: Fixture) => Promise<void>
  /** Run after each surface's call with its output. */
  after?: (f: Fixture, output: unknown) => Promise<void>
  /** `shape`: outputs change between calls (new ids, a growing log), so only their fields are compared. */
  compare?: 'shape'
}

/** Revoke a key made by key_create with itself (an admin key), so no key stays active and calls need none. */
async function revokeWithItself (f: Fixture, output: unknown): Promise<void> {
  const { key, info } = output as { key: string, info: { id: string } }
  const res = await fetch(`${relay.url}/api/v1/keys/${info.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } })
  if (!res.ok) throw new Error(`revoke: ${res.status} ${await res.text()}`)
  f.keyId = info.id
}

async function post (path: string, body: unknown): Promise<void> {
  const res = await fetch(`${relay.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
}

const BAD_CID = { input: { cid: 'not-a-cid' }, code: 'ERR_INVALID_CID' }

/** One case per operation, in an order where writes come before the reads and removals that need them. */
const CASES: Record<string, Case> = {
  ipfs_ls: { input: f => ({ cid: f.dir }), bad: BAD_CID },
  ipfs_stat: { input: f => ({ cid: `${f.dir}/a.txt`, dagSize: true }), bad: BAD_CID },
  block_stat: { input: f => ({ cid: f.cid }), bad: BAD_CID },
  dag_put: { input: () => ({ value: { hello: 'parity', link: { '/': 'bafkqaaa' } }, codec: 'dag-json' }), bad: { input: { value: { '/': 'not a cid' } }, code: 'ERR_INVALID_INPUT' }, after: async (f, out) => { f.dagCid = (out as { cid: string }).cid } },
  dag_get: { input: f => ({ cid: f.dagCid, path: 'hello' }), bad: BAD_CID },
  pin_add: { input: f => ({ cid: f.cid, name: 'parity', metadata: { k: 'v' } }), bad: BAD_CID },
  pin_ls: { input: f => ({ cid: f.cid }), bad: { input: { limit: 0 }, code: 'ERR_INVALID_INPUT' } },
  pin_rm: { input: f => ({ cid: f.cid }), bad: BAD_CID, before: async f => { await post('/api/v1/pins', { cid: f.cid }) } },
  node_id: { input: () => ({}) },
  swarm_peers: { input: () => ({}) },
  cluster_info: { input: () => ({}) },
  cluster_peers: { input: () => ({}) },
  cluster_pin: { input: f => ({ cid: f.cid, name: 'parity', replicationMin: 1 }), bad: { input: { cid: 'bafy', replicationMin: 0 }, code: 'ERR_INVALID_INPUT' } },
  cluster_pins: { input: () => ({}) },
  cluster_status: { input: f => ({ cid: f.cid }), bad: BAD_CID },
  cluster_recover: { input: f => ({ cid: f.cid }), bad: BAD_CID },
  cluster_compact: { input: () => ({}), compare: 'shape' },
  cluster_invite: { input: () => ({ name: 'parity', maxUses: 1 }), bad: { input: { ttlSeconds: 1 }, code: 'ERR_INVALID_INPUT' }, after: async (f, out) => { f.inviteId = (out as { info: { id: string } }).info.id }, compare: 'shape' },
  cluster_invitations: { input: () => ({}), compare: 'shape' },
  cluster_uninvite: { input: f => ({ id: f.inviteId }), bad: { input: { id: 'no-such-invitation' }, code: 'ERR_NOT_FOUND' } },
  cluster_join: {
    input: f => ({ invitation: f.invitation }),
    before: async f => {
      const res = await fetch(`${relay.url}/api/v1/cluster/invitations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      f.invitation = (await res.json() as { token: string }).token
    },
    bad: { input: { invitation: 'forged.1.AAAA' }, code: 'ERR_UNAUTHORIZED' },
    compare: 'shape'
  },
  cluster_unpin: { input: f => ({ cid: f.cid }), bad: BAD_CID, before: async f => { await post('/api/v1/cluster/pins', { cid: f.cid }) } },
  backend_list: { input: () => ({}) },
  backend_status: { input: () => ({ name: 'local' }), bad: { input: { name: 'nowhere' }, code: 'ERR_NOT_FOUND' } },
  storage_put: { input: f => ({ cid: f.cid, to: ['local'] }), bad: { input: f => ({ cid: f.cid, to: ['nowhere'] }), code: 'ERR_INVALID_INPUT' } },
  storage_fetch: { input: f => ({ cid: f.cid }), bad: BAD_CID },
  storage_refs: { input: f => ({ cid: f.cid }), bad: BAD_CID },
  storage_list: { input: () => ({ limit: 10 }), bad: { input: { limit: 0 }, code: 'ERR_INVALID_INPUT' } },
  stats: { input: () => ({ since: 0 }), bad: { input: { since: -1 }, code: 'ERR_INVALID_INPUT' }, compare: 'shape' },
  filecoin_status: { input: () => ({ miners: ['f01234'] }), bad: { input: { miners: ['not-a-miner'] }, code: 'ERR_INVALID_INPUT' } },
  filecoin_providers: { input: () => ({ explain: true }), bad: { input: { backend: 'local' }, code: 'ERR_INVALID_INPUT' } },
  filecoin_costs: { input: () => ({ size: 1_000_000, copies: 2, months: 3 }), bad: { input: { size: 0 }, code: 'ERR_INVALID_INPUT' } },
  filecoin_copies: { input: () => ({}), bad: BAD_CID },
  filecoin_repair: { input: () => ({ dryRun: true }), bad: BAD_CID },
  filecoin_pay_status: { input: () => ({}), bad: { input: { backend: 'local' }, code: 'ERR_INVALID_INPUT' } },
  filecoin_pay_deposit: { input: () => ({ amount: '2.5', dryRun: true }), bad: { input: { amount: 'lots' }, code: 'ERR_INVALID_INPUT' } },
  filecoin_pay_approve: { input: () => ({ dryRun: true }), bad: { input: { backend: 'local' }, code: 'ERR_INVALID_INPUT' } },
  policy_add: { input: () => ({ policy: { name: 'parity', action: 'evict', match: { tags: ['parity'] } }, replace: true }), bad: { input: { policy: { name: 'x', action: 'move' } }, code: 'ERR_INVALID_INPUT' } },
  policy_list: { input: () => ({}) },
  migration_plan: { input: () => ({}), bad: { input: { policies: ['no-such-policy'] }, code: 'ERR_NOT_FOUND' } },
  migration_start: { input: () => ({ dryRun: true }), bad: { input: { policies: ['no-such-policy'] }, code: 'ERR_NOT_FOUND' } },
  migration_status: { input: () => ({}), bad: { input: { id: 'no-such-job' }, code: 'ERR_NOT_FOUND' } },
  migration_pause: { input: () => ({}), bad: { input: { id: 'no-such-job' }, code: 'ERR_NOT_FOUND' } },
  migration_cancel: {
    input: f => ({ id: f.jobId }),
    before: async f => {
      // a queued job to cancel: an expire plan for a CID pinned for it, with the queue paused so it waits
      await post('/api/v1/migrations/pause', {})
      await post('/api/v1/policies', { policy: { name: 'parity-expire', action: 'expire', expireAfterDays: 0, enabled: false, match: { names: ['parity-expire-target'] } }, replace: true })
      await post('/api/v1/pins', { cid: f.cid, name: 'parity-expire-target' })
      const res = await fetch(`${relay.url}/api/v1/migrations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ policies: ['parity-expire'], cids: [f.cid] }) })
      f.jobId = (await res.json() as { jobs: Array<{ id: string }> }).jobs[0]?.id
    },
    bad: { input: { id: 'no-such-job' }, code: 'ERR_NOT_FOUND' },
    compare: 'shape'
  },
  migration_resume: { input: () => ({}), bad: { input: { id: 'no-such-job' }, code: 'ERR_NOT_FOUND' } },
  policy_rm: { input: () => ({ name: 'parity-rm' }), before: async () => { await post('/api/v1/policies', { policy: { name: 'parity-rm', action: 'evict' }, replace: true }) }, bad: { input: { name: 'no-such-policy' }, code: 'ERR_NOT_FOUND' } },
  model_register: { input: f => ({ name: 'parity', cid: f.dir, tags: ['parity'], metrics: { accuracy: 0.5 } }), bad: { input: { name: 'parity', cid: 'not-a-cid' }, code: 'ERR_INVALID_CID' }, compare: 'shape' },
  model_search: { input: () => ({ query: 'parity' }), bad: { input: { limit: 0 }, code: 'ERR_INVALID_INPUT' } },
  model_get: { input: () => ({ ref: 'parity@1' }), bad: { input: { ref: 'parity@' }, code: 'ERR_INVALID_REFERENCE' } },
  model_set_alias: { input: () => ({ name: 'parity', alias: 'production', version: 1 }), bad: { input: { name: 'parity', alias: 'production', version: 99 }, code: 'ERR_VERSION_NOT_FOUND' }, compare: 'shape' },
  lineage: { input: () => ({ ref: 'parity@production' }), bad: { input: { ref: 'parity@1', direction: 'sideways' }, code: 'ERR_INVALID_INPUT' } },
  dataset_add: { input: f => ({ name: 'parity-data', cid: f.data }), bad: { input: { name: 'parity-data', cid: 'not-a-cid' }, code: 'ERR_INVALID_CID' }, compare: 'shape' },
  dataset_list: { input: () => ({}), bad: { input: { limit: 0 }, code: 'ERR_INVALID_INPUT' } },
  dataset_get: { input: () => ({ ref: 'parity-data@1' }), bad: { input: { ref: 'nobody' }, code: 'ERR_NOT_FOUND' } },
  dataset_preview: { input: () => ({ ref: 'parity-data@1', rows: 2 }), bad: { input: { ref: 'parity-data@1', rows: 0 }, code: 'ERR_INVALID_INPUT' } },
  dataset_run: { input: () => ({ ref: 'parity-data@1', to: 'parity-run', spec: { steps: [{ op: 'dedupe' }, { op: 'split', ratios: { train: 0.5, test: 0.5 } }] } }), bad: { input: { ref: 'parity-data@1', to: 'parity-run', spec: { steps: [{ op: 'shuffle' }] } }, code: 'ERR_INVALID_INPUT' }, compare: 'shape' },
  dataset_rm: { input: () => ({ ref: 'parity-rm' }), before: async f => { await post('/api/v1/datasets/parity-rm/versions', { cid: f.data }) }, bad: { input: { ref: 'nobody@1' }, code: 'ERR_NOT_FOUND' } },
  model_import_hf: { input: () => ({ repo: 'parity/model', name: 'parity-hf' }), bad: { input: { repo: 'not a repo' }, code: 'ERR_INVALID_INPUT' }, compare: 'shape' },
  model_export_hf: { input: () => ({ ref: 'parity-hf@1', repo: 'parity/export' }), bad: { input: { ref: 'parity-hf@1', repo: 'parity/no-such-repo' }, code: 'ERR_NOT_FOUND' }, compare: 'shape' },
  search: { input: () => ({ query: 'parity', limit: 5 }), bad: { input: { query: 'x', mode: 'sideways' }, code: 'ERR_INVALID_QUERY' } },
  search_stats: { input: () => ({}) },
  key_list: { input: () => ({}) },
  key_create: { input: () => ({ name: 'parity', role: 'admin' }), bad: { input: { name: '' }, code: 'ERR_INVALID_INPUT' }, after: revokeWithItself, compare: 'shape' },
  key_revoke: { input: f => ({ id: f.keyId }), bad: { input: { id: 'no-such-key' }, code: 'ERR_NOT_FOUND' } },
  audit_log: { input: () => ({ limit: 5 }), bad: { input: { limit: 0 }, code: 'ERR_INVALID_INPUT' }, compare: 'shape' },
  audit_verify: { input: () => ({}), compare: 'shape' },
  // last: it removes every unpinned block the cases above left
  gc: { input: () => ({}), compare: 'shape' }
}

/** Fields that change from one call to the next (clocks, probes): left out of comparisons. */
const VOLATILE = new Set(['revoked', 'lastUsed', 'elapsedMs', 'at', 'silentMs', 'lastSeen', 'latencyMs', 'checkedAt', 'addedAt', 'storedAt', 'verifiedAt', 'recoverAt', 'state', 'health', 'pinnedCount', 'servedBy', 'peers', 'livePeers', 'unhealthyPins', 'usage'])

function stable (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).filter(([k]) => !VOLATILE.has(k)).map(([k, v]) => [k, stable(v)]))
}

interface Outcome { ok: boolean, code?: string, output?: unknown }

async function viaRest (url: string, op: AnyOperation, input: Record<string, unknown>): Promise<Outcome> {
  const used = new Set<string>()
  const path = op.rest.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    used.add(name)
    return encodeURIComponent(String(input[name]))
  })
  const rest = Object.fromEntries(Object.entries(input).filter(([k]) => !used.has(k)))
  const query = op.rest.method === 'POST' ? '' : new URLSearchParams(Object.entries(rest).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)])).toString()
  const res = await fetch(`${url}${path}${query === '' ? '' : `?${query}`}`, {
    method: op.rest.method,
    ...(op.rest.method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(rest) } : {})
  })
  const body = await res.json() as Record<string, unknown>
  return res.ok ? { ok: true, output: body } : { ok: false, code: body.code as string }
}

async function viaMcp (client: Client, op: AnyOperation, input: Record<string, unknown>): Promise<Outcome> {
  const result = await call(client, op.name, input)
  return result.isError === true ? { ok: false, code: errorCodeOf(result) } : { ok: true, output: result.structuredContent }
}

/** The argv of a CLI call: positional arguments, then one flag per other field (as the CLI adapter reads them). */
function argvOf (op: AnyOperation, input: Record<string, unknown>): string[] {
  const cli = op.cli
  if (cli === undefined) throw new Error(`${op.name} has no CLI command`)
  const argv = [...cli.command, ...(cli.args ?? []).filter(name => input[name] !== undefined).map(name => typeof input[name] === 'string' ? input[name] : JSON.stringify(input[name]))]
  const fields = inputFields(op)
  for (const [name, value] of Object.entries(input)) {
    if ((cli.args ?? []).includes(name) || value === undefined) continue
    const flag = `--${flagNameOf(op, name)}`
    const kind = fieldKind(fields[name] ?? inputFields(op)[name] as never)
    if (kind === 'boolean') argv.push(value === true ? flag : flag.replace(/^--/, '--no-'))
    else if (kind === 'array') for (const item of value as unknown[]) argv.push(flag, String(item))
    else if (kind === 'record') for (const [k, v] of Object.entries(value as Record<string, unknown>)) argv.push(flag, `${k}=${String(v)}`)
    else argv.push(flag, typeof value === 'string' ? value : JSON.stringify(value))
  }
  return argv
}

async function viaCli (url: string, op: AnyOperation, input: Record<string, unknown>): Promise<Outcome & { exit: number | null }> {
  const child = spawn(process.execPath, [MAIN, '--api', url, '--json', ...argvOf(op, input)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  const exit = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  const parsed = JSON.parse(stdout) as Record<string, unknown> & { error?: { code: string } }
  return parsed.error === undefined ? { ok: exit === 0, output: parsed, exit } : { ok: false, code: parsed.error.code, exit }
}

let relay: TestRelay
let lotus: LotusFake
let hub: FakeHub
let synapse: SynapseProviders
const FILECOIN_KEY_ENV = 'IPFS_KIT_PARITY_FILECOIN_KEY'
/** The fetch before msw intercepts it: the MCP client's streamed answers do not pass msw. */
const UNINTERCEPTED_FETCH = globalThis.fetch
let mcp: Client
let fixture: Fixture

beforeAll(async () => {
  lotus = await startLotusFake()
  lotus.state.miners.f01234 = { raw: (2n ** 50n).toString(), qa: (2n ** 52n).toString(), faults: [10, 3], peerId: '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', sectorSize: 34359738368 }
  // a fake Hub for model_import_hf / model_export_hf, reached through a configured huggingface backend
  hub = await startFakeHub({ tokens: { hf_parity: 'write' } })
  for (const [type, name] of [['dataset', 'parity/store'], ['model', 'parity/model'], ['model', 'parity/export']] as const) hub.createRepo(type, name)
  const model = hub.state.repos.get(HubState.key('model', 'parity/model'))
  if (model !== undefined) hub.state.commit(model, 'main', 'upload', { put: [HubState.regularFile('config.json', new TextEncoder().encode('{"parity":true}'))], remove: [] })
  process.env.IPFS_KIT_TEST_HF_PARITY_TOKEN = 'hf_parity'
  // the filecoin backend's Synapse SDK talks to its own mocks (msw, in this process)
  synapse = startSynapseProviders()
  process.env[FILECOIN_KEY_ENV] = Mocks.PRIVATE_KEYS.key1
  relay = await startTestRelay({
    'cluster.heartbeatMs': 200,
    'filecoin.rpcUrl': lotus.url,
    'filecoin.providers': ['f01234'],
    'storage.backends': [{ kind: 'local', name: 'local' }, { kind: 'huggingface', name: 'hf', repo: 'parity/store', hubUrl: hub.url, tokenEnv: 'IPFS_KIT_TEST_HF_PARITY_TOKEN' }, { kind: 'filecoin', name: 'fil', privateKeyEnv: FILECOIN_KEY_ENV, checkIntervalMs: 0 }]
  })
  mcp = await connectHttp(relay.url, {}, UNINTERCEPTED_FETCH)
  const form = new FormData()
  form.append('file', new Blob(['alpha']), 'a.txt')
  form.append('file', new Blob(['beta']), 'b.txt')
  const dir = await (await fetch(`${relay.url}/api/v1/add?wrap=true`, { method: 'POST', body: form })).json() as { cid: string }
  const dataForm = new FormData()
  dataForm.append('file', new Blob(['{"id": 1}\n{"id": 2}\n{"id": 3}\n']), 'train.jsonl')
  const data = await (await fetch(`${relay.url}/api/v1/add?wrap=true`, { method: 'POST', body: dataForm })).json() as { cid: string }
  fixture = { cid: (await addBytes(relay.url, new Uint8Array(randomBytes(5000)), '?pin=false')).cid, dir: dir.cid, data: data.cid }
}, 60_000)

afterAll(async () => {
  await mcp?.close()
  await relay?.destroy()
  await lotus?.stop()
  await hub?.stop()
  synapse?.stop()
  Reflect.deleteProperty(process.env, FILECOIN_KEY_ENV)
})

/**
 * The `/api/v1` routes written by hand, and why: each streams bytes or takes an upload, which an operation's JSON
 * input and output cannot carry, or keeps a query-string form of an operation. Anything else must come from the table.
 */
const HAND_WRITTEN: Record<string, string> = {
  'GET /api/v1/search': 'the search operation with a flat query string, for links and curl',
  'POST /api/v1/ws-ticket': 'a one-time ticket for the /ws transport, bound to the HTTP caller\'s key'
}

describe('surface parity', () => {
  it('serves every /api/v1 route from the operation table, except the listed streaming and admin routes', () => {
    const fromTable = new Set(OPERATIONS.flatMap(op => [op.rest.path, ...(op.rest.subpath === true ? [`${op.rest.path}/*`] : [])].map(path => `${op.rest.method} ${path}`)))
    const stray = routesGuardedBy(relay.http)
      .filter(r => r.url.startsWith('/api/v1') && r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .map(r => `${r.method} ${r.url}`)
      .filter(route => !fromTable.has(route) && HAND_WRITTEN[route] === undefined)
    expect(stray).toEqual([])
    for (const route of fromTable) expect(routesGuardedBy(relay.http).some(r => `${r.method} ${r.url}` === route), route).toBe(true)
  })

  it('has a case for every operation (a new operation comes with its test)', () => {
    expect(OPERATIONS.map(op => op.name).filter(name => CASES[name] === undefined && BYTE_CASES[name] === undefined)).toEqual([])
  })

  // in the order of CASES: pins and cluster pins are made before they are read and removed
  for (const [name, testCase] of Object.entries(CASES)) {
    const op = OPERATIONS.find(o => o.name === name && o.kind !== 'download' && o.kind !== 'upload')
    it(`${name}: the same result on REST, MCP and CLI`, async () => {
      if (op === undefined) throw new Error(`${name} is not an operation`)
      // the input is made after `before`, which may prepare it (a fresh invitation for each surface)
      let input: Record<string, unknown> = {}
      const call = async <T extends Outcome>(surface: () => Promise<T>): Promise<T> => {
        await testCase.before?.(fixture)
        input = testCase.input(fixture)
        const outcome = await surface()
        if (outcome.ok) await testCase.after?.(fixture, outcome.output)
        return outcome
      }
      const rest = await call(async () => viaRest(relay.url, op, input))
      const tool = await call(async () => viaMcp(mcp, op, input))
      const cli = op.cli === undefined || op.cli.custom === true ? undefined : await call(async () => viaCli(relay.url, op, input))
      expect(rest, 'REST').toMatchObject({ ok: true })
      expect(tool, 'MCP').toMatchObject({ ok: true })
      const same = (value: unknown): unknown => testCase.compare === 'shape' ? Object.keys(value as object).sort() : stable(value)
      expect(same(tool.output), 'MCP = REST').toEqual(same(rest.output))
      if (cli !== undefined) {
        expect(cli.exit, 'CLI exit').toBe(0)
        expect(same(cli.output), 'CLI = REST').toEqual(same(rest.output))
      }
    }, 30_000)

    if (testCase.bad !== undefined) {
      const bad = testCase.bad
      it(`${name}: the same error code for bad input (${bad.code})`, async () => {
        if (op === undefined) throw new Error(`${name} is not an operation`)
        const input = typeof bad.input === 'function' ? bad.input(fixture) : bad.input
        const rest = await viaRest(relay.url, op, input)
        const tool = await viaMcp(mcp, op, input)
        expect(rest).toMatchObject({ ok: false, code: bad.code })
        expect(tool).toMatchObject({ ok: false, code: bad.code })
        if (op.cli !== undefined && op.cli.custom !== true) { // a hand-written command has its own flags and output (its own tests)
          const cli = await viaCli(relay.url, op, input)
          expect(cli).toMatchObject({ ok: false, code: bad.code })
          expect(cli.exit).toBe(bad.code === 'ERR_NOT_FOUND' ? EXIT.notFound : EXIT.invalid)
        }
      }, 30_000)
    }
  }
})

/** A download or upload operation's case: the same bytes out (or the same result for the same bytes in) everywhere. */
interface ByteCase {
  input: (f: Fixture) => Record<string, unknown>
  /** For an upload: the bytes sent. */
  bytes?: (f: Fixture) => Uint8Array
  bad: { input: (f: Fixture) => Record<string, unknown>, bytes?: Uint8Array, code: string }
}

const UPLOADED = new Uint8Array(randomBytes(3000))

const BYTE_CASES: Record<string, ByteCase> = {
  ipfs_cat: { input: f => ({ cid: `${f.dir}/a.txt` }), bad: { input: () => BAD_CID.input, code: BAD_CID.code } },
  block_get: { input: f => ({ cid: f.cid }), bad: { input: () => BAD_CID.input, code: BAD_CID.code } },
  dataset_file: { input: () => ({ ref: 'parity-data@1', file: 'train.jsonl' }), bad: { input: () => ({ ref: 'parity-data@1', file: 'missing.jsonl' }), code: 'ERR_NOT_FOUND' } },
  car_export: { input: f => ({ cid: f.dir }), bad: { input: () => BAD_CID.input, code: BAD_CID.code } },
  storage_get: { input: f => ({ cid: f.cid, from: 'local' }), bad: { input: () => BAD_CID.input, code: BAD_CID.code } },
  ipfs_add: { input: () => ({ pin: false, cidVersion: 1, name: 'parity' }), bytes: () => UPLOADED, bad: { input: () => ({ chunkSize: 1 }), bytes: UPLOADED, code: 'ERR_INVALID_INPUT' } },
  block_put: { input: () => ({ codec: 'raw' }), bytes: () => UPLOADED, bad: { input: f => ({ cid: f.cid }), bytes: UPLOADED, code: 'ERR_CID_MISMATCH' } },
  car_import: { input: () => ({ pin: false }), bytes: f => f.car ?? new Uint8Array(), bad: { input: () => ({}), bytes: new TextEncoder().encode('not a car at all'), code: 'ERR_INVALID_CAR' } }
}

function restUrl (op: AnyOperation, input: Record<string, unknown>): string {
  const used = new Set<string>()
  const path = op.rest.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    used.add(name)
    return String(input[name]).split('/').map(encodeURIComponent).join('/')
  })
  const query = new URLSearchParams(Object.entries(input).filter(([k]) => !used.has(k)).map(([k, v]) => [k, String(v)])).toString()
  return `${relay.url}${path}${query === '' ? '' : `?${query}`}`
}

/** The bytes of a successful MCP download: the text item, or the resource blob. */
function mcpBytes (content: unknown): Uint8Array {
  const [item] = content as Array<{ type: string, text?: string, resource?: { blob?: string } }>
  if (item?.type === 'text') return new TextEncoder().encode(item.text)
  return new Uint8Array(Buffer.from(item?.resource?.blob ?? '', 'base64'))
}

async function cliRun (argv: string[], json: boolean): Promise<{ exit: number | null, stdout: Buffer }> {
  const child = spawn(process.execPath, [MAIN, '--api', relay.url, ...(json ? ['--json'] : []), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
  const chunks: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => { chunks.push(chunk) })
  const exit = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  return { exit, stdout: Buffer.concat(chunks) }
}

/** The CLI argv of an upload: the command, its arguments, the file, then the flags. */
async function uploadArgv (op: AnyOperation, input: Record<string, unknown>, bytes: Uint8Array): Promise<string[]> {
  const file = join(await mkdtemp(join(tmpdir(), 'ipfs-kit-parity-')), 'upload.bin')
  await writeFile(file, bytes)
  const argv = argvOf(op, input)
  const at = (op.cli?.command.length ?? 0) + (op.cli?.args ?? []).length
  return [...argv.slice(0, at), file, ...argv.slice(at)]
}

describe('surface parity of downloads and uploads', () => {
  beforeAll(async () => {
    fixture.car = new Uint8Array(await (await fetch(`${relay.url}/api/v1/car/${fixture.dir}`)).arrayBuffer())
  })

  for (const [name, testCase] of Object.entries(BYTE_CASES)) {
    const op = OPERATIONS.find(o => o.name === name)
    it(`${name}: the same bytes or result on REST, MCP and CLI, and the same error code for bad input`, async () => {
      if (op === undefined || (op.kind !== 'download' && op.kind !== 'upload')) throw new Error(`${name} is not a download or upload operation`)
      const input = testCase.input(fixture)
      const badInput = testCase.bad.input(fixture)
      if (op.kind === 'download') {
        const rest = await fetch(restUrl(op, input))
        expect(rest.status).toBe(200)
        const bytes = new Uint8Array(await rest.arrayBuffer())
        expect(bytes.byteLength).toBeGreaterThan(0)
        const tool = await call(mcp, op.name, input)
        expect(tool.isError, JSON.stringify(tool.content)).not.toBe(true)
        expect(Buffer.from(mcpBytes(tool.content)).equals(bytes), 'MCP = REST').toBe(true)
        const cli = await cliRun(argvOf(op, input), false)
        expect(cli.exit).toBe(0)
        expect(cli.stdout.equals(bytes), 'CLI = REST').toBe(true)

        const badRest = await fetch(restUrl(op, badInput))
        expect(((await badRest.json()) as { code: string }).code).toBe(testCase.bad.code)
        expect(errorCodeOf(await call(mcp, op.name, badInput))).toBe(testCase.bad.code)
        const badCli = await cliRun(argvOf(op, badInput), true)
        expect((JSON.parse(badCli.stdout.toString()) as { error: { code: string } }).error.code).toBe(testCase.bad.code)
        return
      }
      const bytes = testCase.bytes?.(fixture) ?? new Uint8Array()
      const post = async (body: Uint8Array, fields: Record<string, unknown>): Promise<Response> => await fetch(restUrl(op, fields), { method: 'POST', headers: { 'content-type': op.upload.mediaTypes[0] ?? 'application/octet-stream' }, body: Buffer.from(body) })
      const rest = await post(bytes, input)
      const restOut = await rest.json() as Record<string, unknown>
      expect(rest.status, JSON.stringify(restOut)).toBe(200)
      const tool = await call(mcp, op.name, { ...input, base64: Buffer.from(bytes).toString('base64') })
      expect(tool.structuredContent, 'MCP = REST').toEqual(restOut)
      const cli = await cliRun(await uploadArgv(op, input, bytes), true)
      expect(cli.exit).toBe(0)
      expect(JSON.parse(cli.stdout.toString()), 'CLI = REST').toEqual(restOut)

      const badBytes = testCase.bad.bytes ?? bytes
      expect(((await (await post(badBytes, badInput)).json()) as { code: string }).code).toBe(testCase.bad.code)
      expect(errorCodeOf(await call(mcp, op.name, { ...badInput, base64: Buffer.from(badBytes).toString('base64') }))).toBe(testCase.bad.code)
      const badCli = await cliRun(await uploadArgv(op, badInput, badBytes), true)
      expect((JSON.parse(badCli.stdout.toString()) as { error: { code: string } }).error.code).toBe(testCase.bad.code)
    }, 30_000)
  }
})

describe('the CLI offers every operation it binds', () => {
  it('has a command for each operation\'s CLI words, generated or hand-written', async () => {
    const { Command } = await import('commander')
    const { registerClientCommands } = await import('../../node-relay/cli/commands.ts')
    const program = new Command('ipfs-kit')
    registerClientCommands(program)
    const missing = OPERATIONS.filter(op => op.cli !== undefined).filter(op => {
      let command: InstanceType<typeof Command> | undefined = program
      for (const word of op.cli?.command ?? []) command = command?.commands.find(c => c.name() === word)
      return command === undefined
    }).map(op => `${op.name}: ipfs-kit ${op.cli?.command.join(' ') ?? ''}`)
    expect(missing).toEqual([])
  })
})
