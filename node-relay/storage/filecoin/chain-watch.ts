/**
 * What the relay watches on the Filecoin chain (the `filecoin` config section): the head, fees, the wallet's FIL and
 * the storage providers the operator names, read from a Lotus/Forest JSON-RPC endpoint through {@link LotusClient}
 * (cached per method with TTLs, so dashboards and scrapes do not hammer the node).
 */
import { chainStatus, providerChainInfo } from './analytics.ts'
import { LotusClient } from './lotus.ts'
import type { FilecoinChainStatus, ProviderChainInfo } from './analytics.ts'

/** The `filecoin` section of the relay config, validated. */
export interface FilecoinWatchConfig {
  rpcUrl?: string
  tokenEnv: string
  wallet?: string
  providers: string[]
}

/** One watched provider: its chain facts, or why they could not be read. */
export type WatchedProvider = ProviderChainInfo | { miner: string, error: string }

/** The chain and the watched providers. */
export interface FilecoinWatchStatus {
  endpoint: string
  chain: FilecoinChainStatus
  providers: WatchedProvider[]
}

/** See the module comment. */
export class FilecoinChainWatch {
  readonly lotus: LotusClient
  readonly endpoint: string
  private readonly wallet: string | undefined
  private readonly providers: string[]

  constructor (init: { lotus: LotusClient, endpoint: string, wallet?: string, providers: string[] }) {
    this.lotus = init.lotus
    this.endpoint = init.endpoint
    this.wallet = init.wallet
    this.providers = init.providers
  }

  /** The watch from config, or undefined when no endpoint is configured (analytics off). */
  static fromConfig (config: FilecoinWatchConfig, env: Record<string, string | undefined>): FilecoinChainWatch | undefined {
    if (config.rpcUrl === undefined) return undefined
    const token = env[config.tokenEnv]
    const lotus = new LotusClient({ url: config.rpcUrl, ...(token !== undefined && token !== '' && { token }) })
    return new FilecoinChainWatch({ lotus, endpoint: config.rpcUrl, ...(config.wallet !== undefined && { wallet: config.wallet }), providers: config.providers })
  }

  /** The head, fees, wallet and every watched provider (`miners` overrides the configured list). */
  async status (options: { miners?: string[], signal?: AbortSignal } = {}): Promise<FilecoinWatchStatus> {
    const chain = await chainStatus(this.lotus, { ...(this.wallet !== undefined && { wallet: this.wallet }), ...(options.signal !== undefined && { signal: options.signal }) })
    const providers = await Promise.all((options.miners ?? this.providers).map(async (miner): Promise<WatchedProvider> => {
      try {
        return await providerChainInfo(this.lotus, miner, options.signal)
      } catch (err) {
        options.signal?.throwIfAborted()
        return { miner, error: err instanceof Error ? err.message : String(err) }
      }
    }))
    return { endpoint: this.endpoint, chain, providers }
  }
}
