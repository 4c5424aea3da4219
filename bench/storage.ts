/**
 * Storage backends benchmark (issue 6): put/get MiB/s of each backend against the raw client doing the same
 * transfer, in one run. S3 against s3rver in a child process: ours (`S3Backend.put`: walk the DAG, verify every block, stream
 * a CAR through lib-storage; `get`: stream the CAR back and verify every block) against the plain AWS SDK uploading
 * / downloading the same CAR bytes (`Upload` with the same part size, `GetObject`). Local against the filesystem
 * blockstore: ours (`LocalBackend` put/get with verification) against raw `putMany`/`get` of the same blocks.
 * Goal: ours ≥ 0.8× raw. Run alone with `npx tsx bench/storage.ts [--quick]`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GetObjectCommand } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import drain from 'it-drain'
import { hasherFor, MemoryBlockstore } from '../core/blocks/index.ts'
import { createContentStore } from '../core/content/index.ts'
import { createLocalBackend, dagToCar, readVerifiedDag } from '../core/storage/index.ts'
import { FsBlockstore } from '../node-relay/blocks/fs-blockstore.ts'
import { createS3Backend } from '../node-relay/storage/s3/index.ts'
import { S3RVER_CREDENTIALS } from '../test/storage/s3-support.ts'
import { startS3ServerProcess } from './lib/s3rver-process.ts'
import { parseBenchArgs, roundsFor } from './lib/args.ts'
import { checkGoal, createReport, MIB, publishReport, toRow } from './lib/report.ts'
import { runRounds } from './lib/runner.ts'
import type { BenchArgs } from './lib/args.ts'
import type { BenchSection, Goal, ResultRow } from './lib/report.ts'
import type { VerifiedBlock } from '../core/storage/index.ts'

const PART = 8 * MIB

function pseudoRandom (length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

async function collectBytes (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(Buffer.concat(await Array.fromAsync(source)))
}

async function drainBlocks (blocks: AsyncIterable<VerifiedBlock>): Promise<number> {
  let n = 0
  for await (const block of blocks) n += block.bytes.byteLength
  return n
}

/**
 * Runs the storage section: S3 (s3rver) and local (fs) put/get, ours against raw, at each size of `--sizes` (the
 * issue's 64 MiB and 1 GiB by default; quick: 8 MiB).
 */
export async function runStorageBench (args: BenchArgs): Promise<BenchSection> {
  const sizes = args.quick ? [8] : args.sizesMiB
  const section: BenchSection = { rows: [], goals: [], notes: [] }
  for (const sizeMiB of sizes) {
    const one = await runStorageSize(sizeMiB, args)
    section.rows.push(...one.rows)
    section.goals.push(...one.goals)
    section.notes.push(...one.notes)
  }
  return section
}

async function runStorageSize (sizeMiB: number, args: BenchArgs): Promise<BenchSection> {
  // 1 GiB: 3 runs, no warm-up (lib/args.ts), as the other large sizes
  const { warmup, runs } = args.quick ? { warmup: 0, runs: 1 } : roundsFor(sizeMiB, { runs: args.runs ?? (sizeMiB > 256 ? undefined : 3), warmup: args.warmup })
  const group = `storage ${sizeMiB} MiB`
  process.stderr.write(`[${group}] S3 (s3rver) and local backends vs raw clients, ${runs} runs\n`)
  const source = new MemoryBlockstore()
  const { cid: root } = await createContentStore({ blockstore: source }).add(pseudoRandom(sizeMiB * MIB, 9))
  const car = await collectBytes(dagToCar(source, root))
  const blocks = await Array.fromAsync(readVerifiedDag(source, root))
  const s3 = await startS3ServerProcess('bench') // S3 never runs inside its client: see lib/s3rver-process.ts
  const dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-bench-storage-'))
  const backend = createS3Backend({ name: 's3', bucket: s3.bucket, prefix: 'ours', endpoint: s3.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, partSizeBytes: PART })
  let round = 0
  const freshFs = async (): Promise<FsBlockstore> => {
    const store = new FsBlockstore({ path: join(dir, `fs-${round}-${Math.random().toString(36).slice(2)}`) })
    await store.open()
    return store
  }
  try {
    const measurements = await runRounds([
      async ctx => {
        round = ctx.round
        await ctx.time('raw SDK put (Upload)', car.byteLength, async () => {
          await new Upload({ client: s3.client, partSize: PART, queueSize: 4, params: { Bucket: s3.bucket, Key: `raw/${root.toString()}.car`, Body: car } }).done()
        })
        await ctx.time('ours S3 put', car.byteLength, async () => backend.put(root, source))
        await ctx.time('raw SDK get (GetObject)', car.byteLength, async () => {
          const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `raw/${root.toString()}.car` }))
          await object.Body?.transformToByteArray()
        })
        await ctx.time('ours S3 get (verified)', car.byteLength, async () => drainBlocks(backend.get(root)))
      },
      async ctx => {
        const rawStore = await freshFs()
        const ourStore = await freshFs()
        const local = createLocalBackend({ name: 'local', blockstore: ourStore })
        await ctx.time('raw fs putMany', car.byteLength, async () => { await drain(rawStore.putMany(blocks)) })
        await ctx.time('ours local put', car.byteLength, async () => local.put(root, source))
        await ctx.time('raw fs get', car.byteLength, async () => {
          for (const block of blocks) await Array.fromAsync(rawStore.get(block.cid))
        })
        await ctx.time('ours local get (verified)', car.byteLength, async () => drainBlocks(local.get(root)))
        // what verification alone costs: the part of "ours" the raw clients skip
        await ctx.time('sha-256 of every block', car.byteLength, async () => {
          // the hasher itself: verifyBlock remembers arrays it hashed (these were, at put) and would measure a lookup
          for (const block of blocks) await hasherFor(block.cid.multihash.code)?.digest(block.bytes)
        })
      }
    ], { warmup, runs })
    const byName = new Map(measurements.map(m => [m.name, m]))
    const rows: ResultRow[] = []
    const goals: Goal[] = []
    const pair = (raw: string, ours: string, label: string): void => {
      const r = byName.get(raw)
      const o = byName.get(ours)
      if (r === undefined || o === undefined) return
      const rawRow = toRow(group, r)
      const ourRow = toRow(group, o, [rawRow])
      rows.push(rawRow, ourRow)
      goals.push(checkGoal(`${group}: ${label} ≥ 0.8× raw client`, ourRow, rawRow, 0.8))
    }
    pair('raw SDK put (Upload)', 'ours S3 put', 'S3 put')
    pair('raw SDK get (GetObject)', 'ours S3 get (verified)', 'S3 get')
    pair('raw fs putMany', 'ours local put', 'local put')
    pair('raw fs get', 'ours local get (verified)', 'local get')
    const hashing = byName.get('sha-256 of every block')
    if (hashing !== undefined) rows.push(toRow(group, hashing))
    return {
      rows,
      goals,
      notes: [`${group}: ${blocks.length} blocks, CAR ${(car.byteLength / MIB).toFixed(1)} MiB; s3rver in its own process; ours verifies every block, raw does not`]
    }
  } finally {
    await backend.stop()
    await s3.stop()
    await rm(dir, { recursive: true, force: true })
  }
}


if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseBenchArgs()
  const startedAt = new Date()
  await publishReport(createReport('storage', startedAt, args.quick, [await runStorageBench(args)]), { json: args.json })
}
