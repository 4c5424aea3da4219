/**
 * Payment setup on Filecoin Pay through the Synapse SDK's payments service: what the payer holds (wallet USDFC, the
 * Filecoin Pay account's funds and lockup) and whether the warm storage service is approved as an operator, plus
 * the two steps that spend or authorise spending — a deposit and the service approval. Each step has a dry run that
 * reads only. The wallet key is the backend's own (its `privateKeyEnv`/`privateKeyFile`), never logged.
 */
import { formatUnits, parseUnits } from 'viem'
import type { Synapse } from '@filoz/synapse-sdk'

const DECIMALS = 18

/** The payer's state on Filecoin Pay (USDFC amounts as decimal strings). */
export interface PaymentStatus {
  /** The payer's address. */
  address: string
  /** The wallet's FIL (for gas), decimal. */
  walletFil: string
  walletUsdfc: string
  /** Funds deposited into Filecoin Pay. */
  depositedUsdfc: string
  /** Deposited funds not locked up by rails. */
  availableUsdfc: string
  lockupUsdfc: string
  /** USDFC per epoch the payer's rails are charged. */
  lockupRatePerEpochUsdfc: string
  /** The warm storage service may create rails on the payer's behalf. */
  serviceApproved: boolean
  rateAllowanceUsdfc: string
  lockupAllowanceUsdfc: string
  maxLockupPeriodEpochs: string
}

/** A payment step's outcome: done (with its transaction) or, in a dry run, what it would do. */
export interface PaymentStep {
  action: 'deposit' | 'approve'
  dryRun: boolean
  /** What it does (or would do), in words. */
  summary: string
  amountUsdfc?: string
  /** The transaction hash, when done. */
  transaction?: string
  /** The status after the step (before it, in a dry run). */
  status: PaymentStatus
}

const usdfc = (amount: bigint): string => formatUnits(amount, DECIMALS)

/** Read the payer's wallet, Filecoin Pay account and service approval. Spends nothing. */
export async function paymentStatus (synapse: Synapse): Promise<PaymentStatus> {
  const [fil, wallet, account, approval] = await Promise.all([
    synapse.payments.walletBalance(),
    synapse.payments.walletBalance({ token: 'USDFC' }),
    synapse.payments.accountInfo(),
    synapse.payments.serviceApproval()
  ])
  return {
    address: synapse.client.account.address,
    walletFil: usdfc(fil),
    walletUsdfc: usdfc(wallet),
    depositedUsdfc: usdfc(account.funds),
    availableUsdfc: usdfc(account.availableFunds),
    lockupUsdfc: usdfc(account.lockupCurrent),
    lockupRatePerEpochUsdfc: usdfc(account.lockupRate),
    serviceApproved: approval.isApproved,
    rateAllowanceUsdfc: usdfc(approval.rateAllowance),
    lockupAllowanceUsdfc: usdfc(approval.lockupAllowance),
    maxLockupPeriodEpochs: approval.maxLockupPeriod.toString()
  }
}

/** Deposit `amount` USDFC (decimal string) from the wallet into Filecoin Pay (the SDK approves the token first if needed). */
export async function depositUsdfc (synapse: Synapse, amount: string, dryRun: boolean): Promise<PaymentStep> {
  const value = parseUnits(amount, DECIMALS)
  const before = await paymentStatus(synapse)
  const summary = `deposit ${usdfc(value)} USDFC from ${before.address} (wallet holds ${before.walletUsdfc}) into Filecoin Pay`
  if (dryRun) return { action: 'deposit', dryRun, summary, amountUsdfc: usdfc(value), status: before }
  const transaction = await synapse.payments.deposit({ amount: value })
  return { action: 'deposit', dryRun, summary, amountUsdfc: usdfc(value), transaction, status: await paymentStatus(synapse) }
}

/** Approve the warm storage service as an operator on the payer's account, with the SDK's default allowances. */
export async function approveService (synapse: Synapse, dryRun: boolean): Promise<PaymentStep> {
  const before = await paymentStatus(synapse)
  const summary = before.serviceApproved
    ? 'the warm storage service is already approved; approving again resets its allowances to the SDK defaults'
    : 'approve the warm storage service to create payment rails for storage from this account'
  if (dryRun) return { action: 'approve', dryRun, summary, status: before }
  const transaction = await synapse.payments.approveService()
  return { action: 'approve', dryRun, summary, transaction, status: await paymentStatus(synapse) }
}
