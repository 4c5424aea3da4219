/**
 * The relay config entry of a Hugging Face Hub backend (`storage.backends[]` with `kind: 'huggingface'`) and how
 * it becomes a {@link HuggingFaceBackendInit}. The token never sits in the config file: it comes from an
 * environment variable (`tokenEnv`, default `HF_TOKEN`) or a file (`tokenFile`), and is never logged.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { costOverrideSchema, definedCost } from '../cost-override.ts'
import { encryptAtRestSchema } from '../encrypt-at-rest-option.ts'
import type { HuggingFaceBackendInit } from './backend.ts'

/** Same rule as `backendNameSchema` in ../config.ts (not imported: that module imports this one). */
const nameSchema = z.string().regex(/^[A-Za-z0-9][\w.-]{0,63}$/).describe('instance name, unique on this relay (letters, digits, ".", "_", "-")')

/** Schema of one `kind: 'huggingface'` entry. */
export const huggingfaceBackendSchema = z.object({
  kind: z.literal('huggingface'),
  name: nameSchema.default('hf'),
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/).describe('namespace/name of the repo holding the CARs'),
  repoType: z.enum(['model', 'dataset']).default('dataset').describe('repo type'),
  revision: z.string().min(1).default('main').describe('branch to write and read (a 40-hex commit id makes the backend read-only)'),
  hubUrl: z.url().default('https://huggingface.co').describe('Hub base URL (a self-hosted or proxy Hub)'),
  pathPrefix: z.string().default('ipfs').describe('folder in the repo that holds <cid>.car files'),
  tokenEnv: z.string().min(1).default('HF_TOKEN').describe('environment variable holding the access token (hf_...)'),
  tokenFile: z.string().min(1).optional().describe('file holding the access token (wins over tokenEnv)'),
  encryptAtRest: encryptAtRestSchema,
  cost: costOverrideSchema
}).strict()

/** A validated `kind: 'huggingface'` entry. */
export type HuggingFaceBackendConfig = z.infer<typeof huggingfaceBackendSchema>

/**
 * Turn a config entry into backend init, reading the token from its file or environment variable.
 *
 * @example
 * ```ts
 * const backend = createHuggingFaceBackend(await huggingfaceInitFromConfig(entry, process.env))
 * ```
 */
export async function huggingfaceInitFromConfig (config: HuggingFaceBackendConfig, env: Record<string, string | undefined>): Promise<HuggingFaceBackendInit> {
  const token = config.tokenFile !== undefined ? (await readFile(config.tokenFile, 'utf8')).trim() : env[config.tokenEnv]?.trim()
  if (token !== undefined && token !== '' && !token.startsWith('hf_')) {
    throw new InvalidInputError(`backend ${config.name}: the Hugging Face token must start with hf_`)
  }
  return {
    name: config.name,
    repo: config.repo,
    repoType: config.repoType,
    revision: config.revision,
    hubUrl: config.hubUrl,
    pathPrefix: config.pathPrefix,
    ...(config.cost !== undefined && { cost: definedCost(config.cost) }),
    ...(token !== undefined && token !== '' && { token })
  }
}
