/**
 * The relay config entry of a Filecoin backend (`storage.backends[]` with `kind: 'filecoin'`) and how it becomes a
 * {@link FilecoinBackendInit}. The wallet's private key never sits in the config file: it comes from an environment
 * variable (`privateKeyEnv`, default `FILECOIN_PRIVATE_KEY`) or a file, and is never logged. Building the backend
 * signs nothing and spends nothing: uploads pay from the deposit and service approval a person set up beforehand
 * (see docs/FILECOIN.md).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { costOverrideSchema, definedCost } from '../cost-override.ts'
import { encryptAtRestSchema } from '../encrypt-at-rest-option.ts'
import type { FilecoinBackendInit } from './backend.ts'

/** Schema of one `kind: 'filecoin'` entry. */
export const filecoinBackendSchema = z.object({
  kind: z.literal('filecoin'),
  name: z.string().regex(/^[A-Za-z0-9][\w.-]{0,63}$/).default('filecoin').describe('instance name, unique on this relay'),
  network: z.enum(['mainnet', 'calibration']).default('calibration').describe('Filecoin network (calibration is the test network)'),
  rpcUrl: z.url().optional().describe('Filecoin JSON-RPC endpoint (default: the chain definition\'s public Glif endpoint)'),
  privateKeyEnv: z.string().min(1).default('FILECOIN_PRIVATE_KEY').describe('environment variable holding the wallet private key (0x hex)'),
  privateKeyFile: z.string().min(1).optional().describe('file holding the wallet private key (wins over privateKeyEnv)'),
  copies: z.number().int().min(1).max(8).default(2).describe('copies, each with a distinct storage provider'),
  providerIds: z.array(z.number().int().positive()).optional().describe('storage provider ids to use, in order (default: the SDK chooses)'),
  recordsFile: z.string().min(1).optional().describe('JSON file of per-copy records (default <dataDir>/filecoin/<name>.json)'),
  allow: z.array(z.string().regex(/^\d+$/)).optional().describe('only these registry provider ids may get copies'),
  deny: z.array(z.string().regex(/^\d+$/)).optional().describe('registry provider ids that never get copies'),
  regions: z.array(z.string().min(1).max(64)).optional().describe('only providers whose registry location is one of these tags (e.g. US, EU)'),
  minerIds: z.record(z.string().regex(/^\d+$/), z.string().regex(/^[ft]0\d+$/)).optional().describe('registry provider id → storage provider (miner) id, for faulty sectors on chain (needs filecoin.rpcUrl)'),
  checkIntervalMs: z.number().int().min(0).default(600_000).describe('how often the relay reads the PDP verifier for every copy (0: only on filecoin repair/copies --check)'),
  autoRepair: z.boolean().default(false).describe('after each periodic check, place new copies for roots short of healthy ones (spends from the deposit)'),
  renewWithinDays: z.number().min(0).max(365).default(7).describe('a copy whose term (its data set\'s end epoch, or the deposit\'s funded-until epoch) ends within this many days is renewed or replaced'),
  autoRenew: z.boolean().default(false).describe('after each periodic check, top up the deposit when it runs out within renewWithinDays (spends; budget.maxUsdfcPerMonth caps it)'),
  renewMonths: z.number().min(0.1).max(36).default(1).describe('months of the current lockup rate one deposit top-up buys'),
  budget: z.object({
    maxRepairsPerDay: z.number().int().min(0).optional().describe('automatic repairs (new copies placed) allowed in any 24 hours'),
    maxUsdfcPerMonth: z.number().min(0).optional().describe('USDFC automatic deposit top-ups may spend in any 30 days')
  }).strict().optional().describe('caps on automatic spending; beyond them the watch refuses with ERR_BUDGET_EXCEEDED and a filecoin:budget event'),
  encryptAtRest: encryptAtRestSchema,
  cost: costOverrideSchema
}).strict()

/** A validated `kind: 'filecoin'` entry. */
export type FilecoinBackendConfig = z.infer<typeof filecoinBackendSchema>

async function privateKey (config: FilecoinBackendConfig, env: Record<string, string | undefined>): Promise<`0x${string}`> {
  const value = (config.privateKeyFile !== undefined ? await readFile(config.privateKeyFile, 'utf8') : env[config.privateKeyEnv])?.trim()
  if (value === undefined || !/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new InvalidInputError(`backend ${config.name}: set ${config.privateKeyEnv} (or privateKeyFile) to a 0x-prefixed 32-byte hex private key`)
  }
  return value as `0x${string}`
}

/**
 * Turn a config entry into backend init: a Synapse instance on the configured network, signing with the wallet key.
 *
 * @example
 * ```ts
 * const backend = createFilecoinBackend(await filecoinInitFromConfig(entry, process.env, config.dataDir))
 * ```
 */
export async function filecoinInitFromConfig (config: FilecoinBackendConfig, env: Record<string, string | undefined>, dataDir: string): Promise<FilecoinBackendInit> {
  // the Synapse SDK and viem are loaded only for a configured Filecoin backend: every relay reads this file for its
  // config schema, and those modules held 14 of a default relay's 83 MB of heap, which each full collection marks
  const [{ calibration, mainnet }, { Synapse }, { createWalletClient, http }, { privateKeyToAccount }] = await Promise.all([
    import('@filoz/synapse-core/chains'), import('@filoz/synapse-sdk'), import('viem'), import('viem/accounts')
  ])
  const chain = config.network === 'mainnet' ? mainnet : calibration
  const client = createWalletClient({ chain, transport: http(config.rpcUrl), account: privateKeyToAccount(await privateKey(config, env)) })
  return {
    name: config.name,
    synapse: new Synapse({ client, source: 'ipfs-kit' }),
    copies: config.copies,
    recordsPath: config.recordsFile ?? join(dataDir, 'filecoin', `${config.name}.json`),
    ...(config.providerIds !== undefined && { providerIds: config.providerIds.map(BigInt) }),
    policy: { ...(config.allow !== undefined && { allow: config.allow }), ...(config.deny !== undefined && { deny: config.deny }), ...(config.regions !== undefined && { regions: config.regions }) },
    ...(config.minerIds !== undefined && { minerIds: config.minerIds }),
    checkIntervalMs: config.checkIntervalMs,
    autoRepair: config.autoRepair,
    renewal: { withinDays: config.renewWithinDays, auto: config.autoRenew, months: config.renewMonths },
    ...(config.budget !== undefined && { budget: { ...(config.budget.maxRepairsPerDay !== undefined && { maxRepairsPerDay: config.budget.maxRepairsPerDay }), ...(config.budget.maxUsdfcPerMonth !== undefined && { maxUsdfcPerMonth: config.budget.maxUsdfcPerMonth }) } }),
    ...(config.cost !== undefined && { cost: definedCost(config.cost) })
  }
}
