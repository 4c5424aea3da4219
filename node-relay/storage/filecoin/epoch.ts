/** The chain's current epoch as the SDK's client sees it. */
import { getBlockNumber } from 'viem/actions'
import type { Synapse } from '@filoz/synapse-sdk'

/** Seconds per Filecoin epoch. */
export const EPOCH_SECONDS = 30

/** Epochs per day (2880) and per 30-day month (86400), as Filecoin Pay counts them. */
export const EPOCHS_PER_DAY = 2880
export const EPOCHS_PER_MONTH = 86_400

/** The current epoch (block number), read fresh: viem caches block numbers for a few seconds by default. */
export async function currentEpoch (synapse: Synapse): Promise<number> {
  return Number(await getBlockNumber(synapse.client, { cacheTime: 0 }))
}
