/**
 * Costs from the Synapse SDK's own calculation (`synapse.storage.getUploadCosts`, which reads the warm storage
 * service's price, the payer's Filecoin Pay account and the current epoch from the chain). Read-only: a quote signs
 * and spends nothing; `ready: false` tells what payment setup a person still has to run (docs/FILECOIN.md).
 */
import type { Synapse } from '@filoz/synapse-sdk'

/** USDFC has 18 decimals. */
const USDFC = 10n ** 18n
const GB = 1_000_000_000

/** What storing `bytes` as `copies` copies would cost, from the SDK's calculation. */
export interface FilecoinQuote {
  /** Bytes quoted. */
  bytes: number
  copies: number
  /** USDFC per month for one copy (decimal string, full precision). */
  perCopyMonthlyUsdfc: string
  /** USDFC per month for every copy. */
  monthlyUsdfc: string
  /** Months quoted (1 unless asked). */
  months: number
  /** USDFC for every copy over `months` (the monthly rate × months; the rate is what the rails charge per epoch). */
  totalUsdfc: string
  /** USDFC the payer must still deposit before the first copy can be placed (decimal string). */
  depositNeededUsdfc: string
  /** The warm storage service still needs the payer's approval. */
  needsApproval: boolean
  /** No deposit or approval is missing. */
  ready: boolean
  /** The same price as a cost profile figure: US dollars per GB per month for all copies (USDFC taken at $1). */
  storageUsdPerGbMonth: number
}

function usdfc (amount: bigint): string {
  const whole = amount / USDFC
  const fraction = (amount % USDFC).toString().padStart(18, '0').replace(/0+$/, '')
  return fraction === '' ? whole.toString() : `${whole.toString()}.${fraction}`
}

/**
 * Quote storing `bytes` with `copies` copies (each copy is its own data set with its own rail).
 *
 * @example
 * ```ts
 * const quote = await quoteFilecoin(synapse, { bytes: 1e9, copies: 2 })
 * ```
 */
export async function quoteFilecoin (synapse: Synapse, options: { bytes: number, copies: number, months?: number }): Promise<FilecoinQuote> {
  const months = options.months ?? 1
  const costs = await synapse.storage.getUploadCosts({ dataSize: BigInt(Math.max(1, Math.ceil(options.bytes))) })
  const perCopy = costs.rate.perMonth
  const monthly = perCopy * BigInt(options.copies)
  const storageUsdPerGbMonth = Number(monthly) / Number(USDFC) / (Math.max(1, options.bytes) / GB)
  return {
    bytes: options.bytes,
    copies: options.copies,
    perCopyMonthlyUsdfc: usdfc(perCopy),
    monthlyUsdfc: usdfc(monthly),
    months,
    totalUsdfc: usdfc(monthly * BigInt(months)),
    depositNeededUsdfc: usdfc(costs.depositNeeded),
    needsApproval: costs.needsFwssMaxApproval,
    ready: costs.ready,
    storageUsdPerGbMonth
  }
}
