/**
 * The relay config entry of a Storacha backend (`storage.backends[]` with `kind: 'storacha'`) and how it becomes a
 * {@link StorachaBackendInit}. The agent key and the proof never sit in the config file: they come from
 * environment variables (`agentKeyEnv`, default `STORACHA_KEY`; `proofEnv`, default `STORACHA_PROOF`) or files,
 * and are never logged. Writes go to `serviceUrl`: Storacha's public service stopped accepting them in May 2026.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { costOverrideSchema, definedCost } from '../cost-override.ts'
import { encryptAtRestSchema } from '../encrypt-at-rest-option.ts'
import { DEFAULT_GATEWAY, DEFAULT_SERVICE_DID, DEFAULT_SERVICE_URL } from './defaults.ts'
import type { StorachaBackendInit } from './backend.ts'

/** Schema of one `kind: 'storacha'` entry. */
export const storachaBackendSchema = z.object({
  kind: z.literal('storacha'),
  name: z.string().regex(/^[A-Za-z0-9][\w.-]{0,63}$/).default('storacha').describe('instance name, unique on this relay'),
  serviceUrl: z.url().default(DEFAULT_SERVICE_URL).describe('upload service URL (the public one is read-only since May 2026)'),
  serviceDid: z.string().regex(/^did:(web|key):/).default(DEFAULT_SERVICE_DID).describe('DID of the upload service'),
  receiptsUrl: z.url().optional().describe('receipts endpoint (default <serviceUrl>/receipt/)'),
  gateways: z.array(z.url()).min(1).default([DEFAULT_GATEWAY]).describe('trustless gateways to read from'),
  raceCount: z.number().int().min(1).default(2).describe('gateways asked at once on a read (the rest are fallbacks)'),
  agentKeyEnv: z.string().min(1).default('STORACHA_KEY').describe('environment variable holding the agent private key (storacha key create)'),
  agentKeyFile: z.string().min(1).optional().describe('file holding the agent private key (wins over agentKeyEnv)'),
  proofEnv: z.string().min(1).default('STORACHA_PROOF').describe('environment variable holding the space delegation (storacha delegation create --base64)'),
  proofFile: z.string().min(1).optional().describe('file holding the space delegation (wins over proofEnv)'),
  retries: z.number().int().min(0).max(10).default(3).describe('retries of each upload step'),
  encryptAtRest: encryptAtRestSchema,
  cost: costOverrideSchema
}).strict()

/** A validated `kind: 'storacha'` entry. */
export type StorachaBackendConfig = z.infer<typeof storachaBackendSchema>

async function secret (name: string, file: string | undefined, envName: string, env: Record<string, string | undefined>): Promise<string> {
  const value = file !== undefined ? await readFile(file, 'utf8') : env[envName]
  if (value === undefined || value.trim() === '') throw new InvalidInputError(`backend ${name}: set ${envName} or the matching *File option`)
  return value.trim()
}

/**
 * Turn a config entry into backend init, reading the agent key and proof from their files or environment variables.
 *
 * @example
 * ```ts
 * const backend = createStorachaBackend(await storachaInitFromConfig(entry, process.env))
 * ```
 */
export async function storachaInitFromConfig (config: StorachaBackendConfig, env: Record<string, string | undefined>): Promise<StorachaBackendInit> {
  return {
    name: config.name,
    agentKey: await secret(config.name, config.agentKeyFile, config.agentKeyEnv, env),
    proof: await secret(config.name, config.proofFile, config.proofEnv, env),
    serviceUrl: config.serviceUrl,
    serviceDid: config.serviceDid,
    gateways: config.gateways,
    raceCount: config.raceCount,
    retries: config.retries,
    ...(config.receiptsUrl !== undefined && { receiptsUrl: config.receiptsUrl }),
    ...(config.cost !== undefined && { cost: definedCost(config.cost) })
  }
}
