import { join } from 'node:path'
import { Command } from 'commander'
import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { contextOf, printResult } from '../context.ts'
import type { ApiKeyInfo, CreateKeyOptions, KeyStore } from '../../auth/key-store.ts'
import type { CliContext } from '../context.ts'

const infoSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string().optional(),
  scopes: z.array(z.string()),
  created: z.string(),
  lastUsed: z.string().optional(),
  expires: z.string().optional(),
  revoked: z.string().optional(),
  quotaBytes: z.number().optional(),
  storedBytes: z.number().optional(),
  requestsPerMinute: z.number().optional()
})
const createdSchema = z.object({ key: z.string(), info: infoSchema })
const listSchema = z.object({ keys: z.array(infoSchema) })

type KeyInfo = z.infer<typeof infoSchema>

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }

const SIZES: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 }

/** `10GiB`, `500MB`, `1024` → bytes. */
export function parseSize (text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  const unit = SIZES[(match?.[2] ?? 'x').toLowerCase()]
  if (match === null || unit === undefined) throw new InvalidInputError(`"${text}" is not a size like 10GiB, 500MB or 1048576`)
  return Math.round(Number(match[1]) * unit)
}

/** `30d`, `12h`, `90m`, `45s` or plain seconds → seconds. */
export function parseTtl (text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim())
  if (match === null) throw new InvalidInputError(`--ttl "${text}" is not a duration like 30d, 12h, 90m or 3600`)
  return Number(match[1]) * (UNITS[match[2] ?? ''] ?? 1)
}

/**
 * Run `action` on the key store of a stopped relay's data directory (taking the repo lock, as the relay does).
 * Used to create the first key of a relay that will listen beyond loopback.
 */
async function withOfflineKeys<T> (dataDir: string, action: (keys: KeyStore) => Promise<T>): Promise<T> {
  const [{ lockRepo }, { FsDatastore }, { KeyStore }] = await Promise.all([
    import('../../node/repo-lock.ts'), import('datastore-fs'), import('../../auth/key-store.ts')
  ])
  const lock = await lockRepo(dataDir)
  const datastore = new FsDatastore(join(dataDir, 'datastore'))
  try {
    await datastore.open()
    const keys = await KeyStore.open(datastore, { flushIntervalMs: 0 })
    return await action(keys)
  } finally {
    await datastore.close()
    await lock.release()
  }
}

function describe (info: KeyInfo | ApiKeyInfo): string {
  const state = info.revoked !== undefined ? 'revoked' : info.expires !== undefined && Date.parse(info.expires) < Date.now() ? 'expired' : 'active'
  const access = info.role ?? info.scopes.join(',')
  const quota = info.quotaBytes === undefined ? '' : `${info.storedBytes ?? 0}/${info.quotaBytes} bytes`
  return [info.id, info.name, access, state, quota, `created ${info.created}`, info.lastUsed === undefined ? '' : `last used ${info.lastUsed}`]
    .filter(s => s !== '').join('  ')
}

interface KeyFlags { dataDir?: string }

async function create (context: CliContext, flags: KeyFlags, options: CreateKeyOptions): Promise<{ key: string, info: ApiKeyInfo | KeyInfo }> {
  if (flags.dataDir !== undefined) return await withOfflineKeys(flags.dataDir, async keys => keys.create(options))
  return await context.client.json('/api/v1/keys', createdSchema, {
    method: 'POST',
    body: { json: { name: options.name, role: options.role, scopes: options.scopes, ttlSeconds: options.ttlMs === undefined ? undefined : options.ttlMs / 1000, quotaBytes: options.quotaBytes, requestsPerMinute: options.requestsPerMinute } }
  })
}

/** `ipfs-kit keys create|ls|revoke`: API keys, through the running relay (admin key) or on a stopped relay's `--data-dir`. */
export function keysCommand (): Command {
  const keys = new Command('keys').description('manage API keys (docs/SECURITY.md)')
  const dataDirOption = ['-d, --data-dir <dir>', 'act on a stopped relay\'s data directory instead of the running relay'] as const

  keys.command('create')
    .description('create an API key; it is printed once and stored only as a salted hash')
    .requiredOption('-n, --name <name>', 'who or what the key is for')
    .option('-r, --role <role>', 'admin, writer, pinner or reader (default reader)')
    .option('-s, --scope <scope...>', 'explicit scopes instead of a role, e.g. content:read storage:s3:write')
    .option('--ttl <duration>', 'lifetime, e.g. 30d, 12h (default: no expiry)')
    .option('--quota <size>', 'most bytes the key may add, e.g. 10GiB (507 ERR_QUOTA_EXCEEDED past it)')
    .option('--rpm <n>', 'requests per minute for this key (instead of limits.requestsPerMinutePerKey)')
    .option(...dataDirOption)
    .action(async (flags: KeyFlags & { name: string, role?: string, scope?: string[], ttl?: string, quota?: string, rpm?: string }, command: Command) => {
      const context = contextOf(command)
      const ttlMs = flags.ttl === undefined ? undefined : parseTtl(flags.ttl) * 1000
      const quotaBytes = flags.quota === undefined ? undefined : parseSize(flags.quota)
      const requestsPerMinute = flags.rpm === undefined ? undefined : Number(flags.rpm)
      const created = await create(context, flags, { name: flags.name, role: flags.role, scopes: flags.scope, ttlMs, quotaBytes, requestsPerMinute })
      printResult(context, created, () => [created.key, `(${describe(created.info)}; shown once: store it now)`])
    })

  keys.command('ls')
    .description('list API keys (never their secrets)')
    .option(...dataDirOption)
    .action(async (flags: KeyFlags, command: Command) => {
      const context = contextOf(command)
      const list = flags.dataDir !== undefined
        ? { keys: await withOfflineKeys(flags.dataDir, async store => store.list()) }
        : await context.client.json('/api/v1/keys', listSchema)
      printResult(context, list, () => list.keys.map(describe))
    })

  keys.command('revoke')
    .description('revoke an API key by id; requests with it get 401 from now on')
    .argument('<id>', 'the key id (first column of `keys ls`)')
    .option(...dataDirOption)
    .action(async (id: string, flags: KeyFlags, command: Command) => {
      const context = contextOf(command)
      const info = flags.dataDir !== undefined
        ? await withOfflineKeys(flags.dataDir, async store => store.revoke(id))
        : await context.client.json(`/api/v1/keys/${encodeURIComponent(id)}`, infoSchema, { method: 'DELETE' })
      printResult(context, info, () => [`revoked ${describe(info)}`])
    })
  return keys
}
