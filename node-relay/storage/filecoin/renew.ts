/**
 * Renewal of the funded term. Warm storage rails have no fixed end while the payer pays: every copy's rail draws
 * from the payer's Filecoin Pay account at its lockup rate, and the account is funded until
 * `lockupLastSettledAt + (funds − lockupCurrent) / lockupRate` (synapse-core's `resolveAccountState`). Past that
 * epoch the rails fall into deficit and providers may terminate the data sets, so every copy lapses together. When
 * that epoch is within the backend's `renewal.withinDays`, renewal tops up the deposit by `renewal.months` of the
 * current lockup rate: by itself only with `autoRenew` and within `budget.maxUsdfcPerMonth`; otherwise it announces
 * `needs-deposit` and spends nothing. (A data set whose own service was terminated is renewed by replacing its
 * copies elsewhere: repair.ts.)
 */
import { resolveAccountState } from '@filoz/synapse-core/pay'
import { formatUnits, maxUint256 } from 'viem'
import { isIpfsKitError } from '../../../core/errors/index.ts'
import { EPOCHS_PER_DAY, EPOCHS_PER_MONTH, currentEpoch } from './epoch.ts'
import { depositUsdfc } from './payments.ts'
import type { FilecoinBackend } from './backend.ts'
import type { Synapse } from '@filoz/synapse-sdk'

/** The payer account's funded term at an epoch. */
export interface AccountTerm {
  epoch: number
  /** The epoch the deposit runs out at the current lockup rate (absent: nothing draws from it). */
  fundedUntilEpoch?: number
  /** USDFC per epoch the payer's rails draw (decimal string). */
  lockupRatePerEpochUsdfc: string
  /** Deposited funds not locked up (decimal string). */
  availableUsdfc: string
}

/** What a renewal check did. */
export interface DepositRenewal {
  /** `none`: the term is not ending; `deposit`: topped up; `needs-deposit`: ending, and nothing was spent. */
  action: 'none' | 'deposit' | 'needs-deposit'
  term: AccountTerm
  /** The top-up (decimal USDFC), when one is due. */
  amountUsdfc?: string
  transaction?: string
  /** Why nothing was spent, when a top-up was due. */
  reason?: string
  code?: string
}

const usdfc = (amount: bigint): string => formatUnits(amount, 18)

/** Read the payer account and its funded-until epoch. Spends nothing. */
export async function accountTerm (synapse: Synapse): Promise<AccountTerm & { lockupRate: bigint }> {
  const [epoch, account] = await Promise.all([currentEpoch(synapse), synapse.payments.accountInfo()])
  const state = resolveAccountState({ ...account, currentEpoch: BigInt(epoch) })
  return {
    epoch,
    ...(state.runwayInEpochs !== maxUint256 && { fundedUntilEpoch: epoch + Number(state.runwayInEpochs) }),
    lockupRatePerEpochUsdfc: usdfc(account.lockupRate),
    availableUsdfc: usdfc(state.availableFunds),
    lockupRate: account.lockupRate
  }
}

/**
 * Check the funded term and renew it when it ends within the margin. `auto` marks the copy watch's own run (it
 * deposits only with `renewal.auto` and within the budget); a person's explicit run deposits unless `dryRun`.
 */
export async function renewTerm (backend: FilecoinBackend, options: { auto?: boolean, dryRun?: boolean } = {}): Promise<DepositRenewal> {
  const { lockupRate, ...term } = await accountTerm(backend.synapse)
  const horizon = term.epoch + backend.renewal.withinDays * EPOCHS_PER_DAY
  if (term.fundedUntilEpoch === undefined || term.fundedUntilEpoch > horizon) return { action: 'none', term }
  const amount = lockupRate * BigInt(Math.round(backend.renewal.months * EPOCHS_PER_MONTH))
  const amountUsdfc = usdfc(amount)
  const result: DepositRenewal = { action: 'needs-deposit', term, amountUsdfc }
  if (options.dryRun === true) result.reason = 'dry run'
  else if (options.auto === true && !backend.renewal.auto) result.reason = 'autoRenew is off: run `ipfs-kit filecoin pay deposit` to extend the term'
  else {
    try {
      if (options.auto === true) await backend.spending.allow('deposit', Number(amountUsdfc))
      const step = await depositUsdfc(backend.synapse, amountUsdfc, false)
      if (options.auto === true) await backend.spending.record('deposit', Number(amountUsdfc))
      result.action = 'deposit'
      if (step.transaction !== undefined) result.transaction = step.transaction
    } catch (err) {
      result.reason = (err as Error).message
      if (isIpfsKitError(err)) result.code = err.code
      if (result.code === 'ERR_BUDGET_EXCEEDED') backend.events?.emit({ type: 'filecoin:budget', backend: backend.name, kind: 'deposit', message: result.reason })
    }
  }
  if (options.dryRun !== true) {
    backend.events?.emit({
      type: 'filecoin:renewal', backend: backend.name, action: result.action === 'deposit' ? 'deposit' : 'needs-deposit',
      amountUsdfc, fundedUntilEpoch: term.fundedUntilEpoch, epoch: term.epoch,
      ...(result.transaction !== undefined && { transaction: result.transaction }), ...(result.reason !== undefined && { error: result.reason })
    })
  }
  return result
}
