/**
 * A small typed JSON-RPC 2.0 client for the Lotus/Forest `Filecoin.*` API (v1), with answers cached per method and
 * parameters for a TTL. `iso-filecoin`'s RPC covers chain head, balance and gas estimation of a message, but not
 * the miner state methods (StateMinerInfo, StateMinerPower) or the fee-cap/premium estimates, so this client calls
 * the methods directly and validates every answer with zod.
 */
import { z } from 'zod'
import { BackendUnavailableError } from '../../../core/storage/errors.ts'

/** Chain head: only the fields analytics uses. */
export const tipSetSchema = z.object({
  Height: z.number().int(),
  Cids: z.array(z.object({ '/': z.string() })),
  Blocks: z.array(z.object({ Timestamp: z.number().int(), ParentBaseFee: z.string(), Miner: z.string() }).loose()).min(1)
}).loose()
/** StateMinerPower. */
export const minerPowerSchema = z.object({
  MinerPower: z.object({ RawBytePower: z.string(), QualityAdjPower: z.string() }),
  TotalPower: z.object({ RawBytePower: z.string(), QualityAdjPower: z.string() }),
  HasMinPower: z.boolean()
}).loose()
/** StateMinerInfo. */
export const minerInfoSchema = z.object({
  Owner: z.string(),
  Worker: z.string(),
  PeerId: z.string().nullable(),
  SectorSize: z.number().int(),
  Multiaddrs: z.array(z.string()).nullable()
}).loose()
/** StateMinerFaults: a bitfield as run-length encoding, answered as an array of run lengths. */
export const bitfieldSchema = z.array(z.number().int())
const attoSchema = z.string().regex(/^\d+$/)

/** How to reach the node. */
export interface LotusClientInit {
  /** JSON-RPC endpoint, e.g. `https://api.calibration.node.glif.io/rpc/v1`. */
  url: string
  /** Bearer token for a private node. */
  token?: string
  /** Cache lifetime per method, milliseconds (default {@link DEFAULT_TTLS}). */
  ttls?: Partial<Record<string, number>>
  /** Clock (tests move it). */
  now?: () => number
  fetch?: typeof fetch
}

/** Default TTLs: a tipset comes every 30 s; miner state changes slowly; balances change with our own payments. */
export const DEFAULT_TTLS: Record<string, number> = {
  'Filecoin.ChainHead': 15_000,
  'Filecoin.GasEstimateFeeCap': 30_000,
  'Filecoin.GasEstimateGasPremium': 30_000,
  'Filecoin.StateMinerPower': 300_000,
  'Filecoin.StateMinerInfo': 3_600_000,
  'Filecoin.StateMinerFaults': 300_000,
  'Filecoin.WalletBalance': 30_000
}

const responseSchema = z.union([
  z.object({ jsonrpc: z.literal('2.0'), id: z.number(), result: z.unknown() }),
  z.object({ jsonrpc: z.literal('2.0'), id: z.number().nullable(), error: z.object({ code: z.number(), message: z.string() }) })
])

/** See the module comment. */
export class LotusClient {
  private readonly init: LotusClientInit
  private readonly cache = new Map<string, { at: number, value: unknown }>()
  private nextId = 1
  /** JSON-RPC requests sent (cache misses). */
  requests = 0

  constructor (init: LotusClientInit) {
    this.init = init
  }

  private now (): number {
    return this.init.now?.() ?? Date.now()
  }

  /** Call a method, from the cache when the answer is younger than the method's TTL. */
  async call<T> (method: `Filecoin.${string}`, params: unknown[], schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    const key = `${method} ${JSON.stringify(params)}`
    const ttl = this.init.ttls?.[method] ?? DEFAULT_TTLS[method] ?? 0
    const hit = this.cache.get(key)
    if (hit !== undefined && this.now() - hit.at < ttl) return hit.value as T
    this.requests++
    const fetcher = this.init.fetch ?? globalThis.fetch
    let body: unknown
    try {
      const response = await fetcher(this.init.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.init.token !== undefined && { authorization: `Bearer ${this.init.token}` }) },
        body: JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method, params }),
        ...(signal !== undefined && { signal })
      })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      body = await response.json()
    } catch (err) {
      signal?.throwIfAborted()
      throw new BackendUnavailableError(`Filecoin node ${this.init.url}: ${method} failed: ${(err as Error).message}`, { cause: err })
    }
    const parsed = responseSchema.safeParse(body)
    if (!parsed.success) throw new BackendUnavailableError(`Filecoin node ${this.init.url}: ${method} answered something that is not JSON-RPC 2.0`)
    if ('error' in parsed.data) throw new BackendUnavailableError(`Filecoin node ${this.init.url}: ${method}: ${parsed.data.error.message}`)
    const result = schema.safeParse(parsed.data.result)
    if (!result.success) throw new BackendUnavailableError(`Filecoin node ${this.init.url}: ${method} answered an unexpected shape: ${result.error.message}`)
    this.cache.set(key, { at: this.now(), value: result.data })
    return result.data
  }

  /** The chain head. */
  async chainHead (signal?: AbortSignal): Promise<z.infer<typeof tipSetSchema>> {
    return await this.call('Filecoin.ChainHead', [], tipSetSchema, signal)
  }

  /** A storage provider's power and the network's. */
  async minerPower (miner: string, signal?: AbortSignal): Promise<z.infer<typeof minerPowerSchema>> {
    return await this.call('Filecoin.StateMinerPower', [miner, null], minerPowerSchema, signal)
  }

  /** A storage provider's owner, worker, peer id, sector size and addresses. */
  async minerInfo (miner: string, signal?: AbortSignal): Promise<z.infer<typeof minerInfoSchema>> {
    return await this.call('Filecoin.StateMinerInfo', [miner, null], minerInfoSchema, signal)
  }

  /** A storage provider's faulty sectors (run-length encoded bitfield). */
  async minerFaults (miner: string, signal?: AbortSignal): Promise<number[]> {
    return await this.call('Filecoin.StateMinerFaults', [miner, null], bitfieldSchema, signal)
  }

  /** Gas premium estimate (attoFIL per gas unit) for a message with `blocks` blocks of inclusion delay. */
  async gasPremium (blocks: number, signal?: AbortSignal): Promise<bigint> {
    return BigInt(await this.call('Filecoin.GasEstimateGasPremium', [blocks, 'f00', 0, null], attoSchema, signal))
  }

  /** A wallet's FIL balance in attoFIL. */
  async walletBalance (address: string, signal?: AbortSignal): Promise<bigint> {
    return BigInt(await this.call('Filecoin.WalletBalance', [address], attoSchema, signal))
  }
}
