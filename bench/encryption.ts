/**
 * End-to-end encryption cost (issue 21): `encrypt + add` against a plain `add`, and `cat + decrypt` against a plain
 * `cat`, through a relay in its own process over HTTP, as the CLI does (`add --encrypt`, `cat --decrypt`), measured
 * alternately in one run. Every round adds different bytes (a fresh seed), so a plain add never hits stored blocks
 * that an encrypted one (always new ciphertext) would not. Goal: each ≥ 0.7× plain in Node. Then the same four rows in
 * Debian's Chromium (bench/browser/encryption-bench.ts: ipfs-kit's content store on IndexedDB, the browser keyring's
 * WebCrypto key, the `@noble/ciphers` payload), goal ≥ 0.5× plain; `--no-browser` skips them.
 * Run alone with `node bench/encryption.ts [--quick] [--json] [--no-browser]`, or via `bench/run.ts`.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decrypt, encrypt, generateKeyPair } from '../core/crypto/index.ts'
import { ApiClient } from '../node-relay/cli/client.ts'
import { readFileChunks } from '../node-relay/cli/multipart.ts'
import { nativeCipher } from '../node-relay/crypto/native-cipher.ts'
import { BROWSER_ENCRYPTION_ROWS } from './browser/encryption-page.ts'
import { runBrowserEncryption } from './browser/encryption-bench.ts'
import { parseBenchArgs } from './lib/args.ts'
import { ensureDataFile, freshTempDir } from './lib/data.ts'
import { startRelayProcess } from './lib/relay-process.ts'
import { checkGoal, createReport, MIB, publishReport, toRow } from './lib/report.ts'
import { runRounds } from './lib/runner.ts'
import type { BenchArgs } from './lib/args.ts'
import type { BenchSection, ResultRow } from './lib/report.ts'

const GOAL = 0.7
const BROWSER_GOAL = 0.5
const ROWS = { add: 'plain add', encryptAdd: 'encrypt + add', cat: 'plain cat', catDecrypt: 'cat + decrypt' } as const

/** Adds through the CLI's own client (a streamed `node:http` upload), as `ipfs-kit add [--encrypt]` does. */
async function add (url: string, body: AsyncIterable<Uint8Array>): Promise<string> {
  const res = await new ApiClient(url).request('/api/v1/add', { method: 'POST', body: { stream: body, contentType: 'application/octet-stream' } })
  return (await res.json() as { cid: string }).cid
}

async function * cat (url: string, cid: string): AsyncGenerator<Uint8Array> {
  const res = await fetch(`${url}/api/v1/cat/${cid}`)
  if (!res.ok || res.body === null) throw new Error(`cat: ${res.status}`)
  yield * res.body
}

async function drain (source: AsyncIterable<Uint8Array>, expected: number): Promise<void> {
  let bytes = 0
  for await (const chunk of source) bytes += chunk.byteLength
  if (bytes !== expected) throw new Error(`read ${bytes} bytes, expected ${expected}`)
}

/** Measure the four rows, alternating within each round. */
export async function runEncryptionBench (args: Pick<BenchArgs, 'quick' | 'runs'> & { browser?: boolean }): Promise<BenchSection> {
  const node = await runNodeEncryption(args)
  if (args.browser === false) return node
  const browser = await runChromiumEncryption(args)
  return { rows: [...node.rows, ...browser.rows], goals: [...node.goals, ...browser.goals], notes: [...node.notes, ...browser.notes] }
}

/** The Chromium rows: encrypt + add and cat + decrypt against plain, in one page, alternating. */
async function runChromiumEncryption (args: Pick<BenchArgs, 'quick' | 'runs'>): Promise<BenchSection> {
  const sizeMiB = args.quick ? 4 : 32
  const runs = args.runs ?? (args.quick ? 1 : 3)
  process.stderr.write(`[encryption Chromium ${sizeMiB} MiB] encrypt + add, cat + decrypt against plain, ${runs} runs\n`)
  const measurements = await runBrowserEncryption({ sizeMiB, runs })
  const group = `encryption Chromium ${sizeMiB} MiB`
  const find = (name: string, baselines: ResultRow[] = []): ResultRow => {
    const measurement = measurements.find(m => m.name === name)
    if (measurement === undefined) throw new Error(`no samples for ${name}`)
    return toRow(group, measurement, baselines)
  }
  const addRow = find(BROWSER_ENCRYPTION_ROWS.add)
  const catRow = find(BROWSER_ENCRYPTION_ROWS.cat)
  const encryptAddRow = find(BROWSER_ENCRYPTION_ROWS.encryptAdd, [addRow])
  const catDecryptRow = find(BROWSER_ENCRYPTION_ROWS.catDecrypt, [catRow])
  return {
    rows: [addRow, encryptAddRow, catRow, catDecryptRow],
    goals: [
      checkGoal(`encrypt + add ≥ ${BROWSER_GOAL}× plain add (Chromium, IndexedDB)`, encryptAddRow, addRow, BROWSER_GOAL),
      checkGoal(`cat + decrypt ≥ ${BROWSER_GOAL}× plain cat (Chromium, IndexedDB)`, catDecryptRow, catRow, BROWSER_GOAL)
    ],
    notes: [`encryption in Chromium: ipfs-kit's content store on IndexedDB (in memory: an off-the-record context), age v1 to the keyring's non-extractable WebCrypto X25519 key, the payload by @noble/ciphers (pure JavaScript: WebCrypto has no ChaCha20-Poly1305), ${sizeMiB} MiB per row`]
  }
}

async function runNodeEncryption (args: Pick<BenchArgs, 'quick' | 'runs'>): Promise<BenchSection> {
  const sizeMiB = args.quick ? 8 : 128
  const bytes = sizeMiB * MIB
  const runs = args.runs ?? (args.quick ? 1 : 3)
  const dir = await freshTempDir('encryption')
  const relay = await startRelayProcess({ dataDir: join(dir.path, 'data') })
  const me = await generateKeyPair()
  process.stderr.write(`[encryption ${sizeMiB} MiB] encrypt + add, cat + decrypt against plain, ${runs} runs\n`)
  try {
    const measurements = await runRounds([async (ctx) => {
      const plainFile = await ensureDataFile(bytes, `encryption-plain-${ctx.round}`)
      const secretFile = await ensureDataFile(bytes, `encryption-secret-${ctx.round}`)
      // the order flips every round: a relay reads the file it stored last measurably slower (its blocks are still
      // being written back and announced), and a file read second after the first was cached faster; a fixed order
      // made cat + decrypt look 0.5–0.66× plain cat when decrypting itself costs a few per cent (profiled)
      const flip = ctx.round % 2 === 1
      const ids: { plain?: string, secret?: string } = {}
      const addPlain = async (): Promise<void> => { ids.plain = await ctx.time(ROWS.add, bytes, async () => await add(relay.url, readFileChunks(plainFile))) }
      const addSecret = async (): Promise<void> => { ids.secret = await ctx.time(ROWS.encryptAdd, bytes, async () => await add(relay.url, encrypt(readFileChunks(secretFile), { recipients: [me.recipient], cipher: nativeCipher }))) }
      const catPlain = async (): Promise<void> => { await ctx.time(ROWS.cat, bytes, async () => { await drain(cat(relay.url, ids.plain ?? ''), bytes) }) }
      const catSecret = async (): Promise<void> => { await ctx.time(ROWS.catDecrypt, bytes, async () => { await drain(decrypt(cat(relay.url, ids.secret ?? ''), { identities: [me.identity], cipher: nativeCipher }), bytes) }) }
      for (const step of flip ? [addSecret, addPlain, catPlain, catSecret] : [addPlain, addSecret, catSecret, catPlain]) await step()
    }], { warmup: 1, runs })
    const group = `encryption ${sizeMiB} MiB`
    const find = (name: string, baselines: ResultRow[] = []): ResultRow => {
      const measurement = measurements.find(m => m.name === name)
      if (measurement === undefined) throw new Error(`no samples for ${name}`)
      return toRow(group, measurement, baselines)
    }
    const addRow = find(ROWS.add)
    const catRow = find(ROWS.cat)
    const encryptAddRow = find(ROWS.encryptAdd, [addRow])
    const catDecryptRow = find(ROWS.catDecrypt, [catRow])
    return {
      rows: [addRow, encryptAddRow, catRow, catDecryptRow],
      goals: [
        checkGoal(`encrypt + add ≥ ${GOAL}× plain add (Node, over the relay's HTTP API)`, encryptAddRow, addRow, GOAL),
        checkGoal(`cat + decrypt ≥ ${GOAL}× plain cat (Node, over the relay's HTTP API)`, catDecryptRow, catRow, GOAL)
      ],
      notes: [`encryption: age v1 (X25519 recipient, the header by age-encryption, the ChaCha20-Poly1305 STREAM payload by Node's native cipher), ${sizeMiB} MiB per row, bytes in MiB of plaintext; a fresh file per round`]
    }
  } finally {
    await relay.stop()
    await dir.remove()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseBenchArgs()
  const startedAt = new Date()
  const browser = !process.argv.includes('--no-browser')
  await publishReport(createReport('encryption', startedAt, args.quick, [await runEncryptionBench({ ...args, browser })]), { json: args.json })
}
