/**
 * Chain analytics from a Lotus/Forest node: the head and its finality, fees, a storage provider's power and faults,
 * the wallet's FIL. Every figure comes from {@link LotusClient} (cached per method with TTLs).
 */
import type { LotusClient } from './lotus.ts'

/** Filecoin's finality: 900 epochs (7.5 hours at 30 s). */
export const FINALITY_EPOCHS = 900

/** What `filecoin status` shows. */
export interface FilecoinChainStatus {
  height: number
  /** When the head's blocks were made (ISO 8601). */
  headTime: string
  /** The newest height considered final. */
  finalizedHeight: number
  /** Base fee of the head, attoFIL per gas unit (decimal string). */
  baseFeeAttoFil: string
  /** Estimated gas premium for inclusion within 10 blocks, attoFIL per gas unit. */
  gasPremiumAttoFil: string
  /** The wallet's FIL balance in attoFIL, when a wallet is configured. */
  walletAttoFil?: string
}

/** A storage provider as the chain sees it. */
export interface ProviderChainInfo {
  miner: string
  peerId: string | null
  sectorSize: number
  qualityAdjPower: string
  /** Share of the network's quality-adjusted power, 0–1. */
  powerShare: number
  hasMinPower: boolean
  /** Faulty sectors now. */
  faultySectors: number
}

/** The chain status (see {@link FilecoinChainStatus}). */
export async function chainStatus (lotus: LotusClient, options: { wallet?: string, signal?: AbortSignal } = {}): Promise<FilecoinChainStatus> {
  const [head, premium, wallet] = await Promise.all([
    lotus.chainHead(options.signal),
    lotus.gasPremium(10, options.signal),
    options.wallet !== undefined ? lotus.walletBalance(options.wallet, options.signal) : undefined
  ])
  const first = head.Blocks[0]
  return {
    height: head.Height,
    headTime: new Date((first?.Timestamp ?? 0) * 1000).toISOString(),
    finalizedHeight: Math.max(0, head.Height - FINALITY_EPOCHS),
    baseFeeAttoFil: first?.ParentBaseFee ?? '0',
    gasPremiumAttoFil: premium.toString(),
    ...(wallet !== undefined && { walletAttoFil: wallet.toString() })
  }
}

/** Count the set bits of a run-length encoded bitfield as Lotus answers it (alternating unset, set run lengths). */
export function countSet (runs: number[]): number {
  return runs.reduce((n, run, i) => (i % 2 === 1 ? n + run : n), 0)
}

/** A storage provider's on-chain facts (see {@link ProviderChainInfo}). */
export async function providerChainInfo (lotus: LotusClient, miner: string, signal?: AbortSignal): Promise<ProviderChainInfo> {
  const [info, power, faults] = await Promise.all([lotus.minerInfo(miner, signal), lotus.minerPower(miner, signal), lotus.minerFaults(miner, signal)])
  const total = BigInt(power.TotalPower.QualityAdjPower)
  const own = BigInt(power.MinerPower.QualityAdjPower)
  return {
    miner,
    peerId: info.PeerId,
    sectorSize: info.SectorSize,
    qualityAdjPower: own.toString(),
    powerShare: total === 0n ? 0 : Number((own * 1_000_000n) / total) / 1_000_000,
    hasMinPower: power.HasMinPower,
    faultySectors: countSet(faults)
  }
}
