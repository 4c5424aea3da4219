import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { InvalidInputError } from '../../core/errors/index.ts'
import { configSchema } from './schema.ts'
import type { RelayConfig } from './schema.ts'
import type { z } from 'zod'

/** A config value that failed validation; the message names every bad field and where it came from. */
export class ConfigError extends InvalidInputError {
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ConfigError'
  }
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
type Tree = Record<string, Json>

/** Environment variables the relay reads, and the config path each sets. */
export const ENV_KEYS: Record<string, string> = {
  IPFS_KIT_DATA_DIR: 'dataDir',
  IPFS_KIT_HOST: 'http.host',
  IPFS_KIT_PORT: 'http.port',
  IPFS_KIT_LISTEN: 'libp2p.listen',
  IPFS_KIT_ANNOUNCE: 'libp2p.announce',
  IPFS_KIT_BOOTSTRAP: 'libp2p.bootstrap',
  IPFS_KIT_OFFLINE: 'network.offline',
  IPFS_KIT_MAX_BLOCK_SIZE: 'blocks.maxBlockSize',
  IPFS_KIT_FSYNC: 'blocks.fsync',
  IPFS_KIT_LOG_LEVEL: 'logLevel',
  IPFS_KIT_LOG_FORMAT: 'logFormat',
  IPFS_KIT_MCP_TOKEN: 'mcp.token',
  IPFS_KIT_CLUSTER_NAME: 'cluster.name',
  IPFS_KIT_CLUSTER_SECRET: 'cluster.secret',
  IPFS_KIT_CLUSTER_TRUSTED_PEERS: 'cluster.trustedPeers',
  IPFS_KIT_CLUSTER_REGISTRY_WRITERS: 'cluster.registryWriters'
}

const LIST_KEYS = new Set(['libp2p.listen', 'libp2p.announce', 'libp2p.bootstrap', 'cluster.trustedPeers', 'cluster.registryWriters', 'cluster.tags'])

/** Turn a textual value (env or flag) into the JSON type its path needs. */
export function parseScalar (path: string, text: string): Json {
  if (LIST_KEYS.has(path)) return text.split(',').map(s => s.trim()).filter(s => s.length > 0)
  if (text === 'true') return true
  if (text === 'false') return false
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  return text
}

/** Set `a.b.c` in a nested object. */
export function setPath (tree: Tree, path: string, value: Json): void {
  const parts = path.split('.')
  let node: Tree = tree
  for (const part of parts.slice(0, -1)) {
    const next = node[part]
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {}
    node = node[part] as Tree
  }
  const last = parts.at(-1)
  if (last !== undefined) node[last] = value
}

function merge (base: Tree, over: Tree): Tree {
  const out: Tree = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key]
    const bothObjects = value !== null && typeof value === 'object' && !Array.isArray(value) &&
      prev !== undefined && prev !== null && typeof prev === 'object' && !Array.isArray(prev)
    out[key] = bothObjects ? merge(prev, value) : value
  }
  return out
}

function describeIssues (error: z.ZodError, source: string): string {
  return error.issues.map(issue => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`).join('\n') + `\n(from ${source})`
}

/** Where config comes from, lowest precedence first: file, then env, then flags. */
export interface ConfigSources {
  /** Path of a JSON config file; a missing file is an error only when named explicitly. */
  file?: string
  env?: Record<string, string | undefined>
  /** Dotted paths to values, e.g. `{ 'http.port': 9000 }`. */
  flags?: Record<string, Json>
}

/**
 * Load and validate the relay config from a JSON file, `IPFS_KIT_*` environment variables and flags (flags win).
 * Throws `ConfigError` (`ERR_INVALID_INPUT`) naming each bad field.
 *
 * @example
 * ```ts
 * const config = await loadConfig({ file: 'ipfs-kit.json', env: process.env, flags: { 'http.port': 9000 } })
 * ```
 */
export async function loadConfig (sources: ConfigSources = {}): Promise<RelayConfig> {
  let tree: Tree = {}
  const file = sources.file ?? sources.env?.IPFS_KIT_CONFIG
  if (file !== undefined) {
    let text: string
    try {
      text = await readFile(resolve(file), 'utf8')
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (err) {
      throw new ConfigError(`config file ${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`config file ${file} must hold a JSON object`)
    tree = parsed as Tree
  }
  const fromEnv: Tree = {}
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const value = sources.env?.[name]
    if (value !== undefined && value !== '') setPath(fromEnv, path, parseScalar(path, value))
  }
  const fromFlags: Tree = {}
  for (const [path, value] of Object.entries(sources.flags ?? {})) setPath(fromFlags, path, value)
  const merged = merge(merge(tree, fromEnv), fromFlags)
  const result = configSchema.safeParse(merged)
  if (!result.success) {
    const where = [file !== undefined ? `file ${file}` : undefined, Object.keys(fromEnv).length > 0 ? 'environment' : undefined, Object.keys(fromFlags).length > 0 ? 'flags' : undefined]
      .filter(s => s !== undefined).join(', ') || 'defaults'
    throw new ConfigError(`invalid configuration:\n${describeIssues(result.error, where)}`)
  }
  return result.data
}
