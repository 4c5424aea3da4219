import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { Key } from 'interface-datastore'
import { InvalidInputError, NotFoundError } from '../../core/errors/index.ts'
import { isRole, isScope, scopesOfRole } from '../../core/auth/scopes.ts'
import type { RoleName, Scope } from '../../core/auth/scopes.ts'
import type { Datastore } from 'interface-datastore'

/** What is known about an API key; never its secret. */
export interface ApiKeyInfo {
  /** Short public id, the first part of the key (`ik_<id>_<secret>`). */
  id: string
  name: string
  /** The built-in role, or absent when the key carries its own scopes. */
  role?: RoleName
  scopes: Scope[]
  created: string
  /** ISO time of the last request made with it (updated in batches). */
  lastUsed?: string
  expires?: string
  revoked?: string
  /** Most bytes this key may add (adds, CAR imports, block puts); writes past it get 507 `ERR_QUOTA_EXCEEDED`. */
  quotaBytes?: number
  /** Bytes added with this key so far (counted from the relay's answers). */
  storedBytes?: number
  /** Requests per minute for this key, overriding `limits.requestsPerMinutePerKey`. */
  requestsPerMinute?: number
}

/** A stored key: its info plus a salted SHA-256 of its secret (the secret itself is never stored). */
interface StoredKey extends ApiKeyInfo {
  salt: string
  hash: string
}

/** What {@link KeyStore.create} takes. */
export interface CreateKeyOptions {
  name: string
  role?: string
  scopes?: string[]
  /** Lifetime in milliseconds from now (no expiry when absent). */
  ttlMs?: number
  /** Most bytes the key may add. */
  quotaBytes?: number
  /** Requests per minute for the key. */
  requestsPerMinute?: number
}

const PREFIX = '/auth/keys'
const KEY_SHAPE = /^ik_([a-z0-9]{10})_([A-Za-z0-9_-]{32,})$/

function digest (salt: string, secret: string): Buffer {
  return createHash('sha256').update(salt).update(':').update(secret).digest()
}

function publicInfo (stored: StoredKey): ApiKeyInfo {
  const { salt: _salt, hash: _hash, ...info } = stored
  return info
}

/**
 * The relay's API keys, in its datastore under `/auth/keys/<id>`. A key reads `ik_<id>_<secret>` with 192 random bits
 * of secret; only a salted SHA-256 of the secret is stored (a fast hash suffices for random secrets of that length),
 * compared in constant time. Keys are held in memory; `lastUsed` is written back at most once a minute per key.
 */
export class KeyStore {
  private readonly keys = new Map<string, StoredKey>()
  private readonly dirty = new Set<string>()
  private flushTimer?: ReturnType<typeof setInterval>

  private readonly datastore: Datastore

  private constructor (datastore: Datastore) {
    this.datastore = datastore
  }

  /** Load every key from the datastore. */
  static async open (datastore: Datastore, options: { flushIntervalMs?: number } = {}): Promise<KeyStore> {
    const store = new KeyStore(datastore)
    for await (const { value } of datastore.query({ prefix: PREFIX })) {
      try {
        const stored = JSON.parse(new TextDecoder().decode(value)) as StoredKey
        if (typeof stored.id === 'string' && typeof stored.hash === 'string') store.keys.set(stored.id, stored)
      } catch {
        console.error('ipfs-kit: skipped an unreadable API key record in the datastore')
      }
    }
    if (options.flushIntervalMs !== 0) {
      store.flushTimer = setInterval(() => { void store.flush() }, options.flushIntervalMs ?? 60_000)
      store.flushTimer.unref()
    }
    return store
  }

  /** Whether any key is usable now (neither revoked nor expired). */
  hasActiveKeys (now = Date.now()): boolean {
    for (const key of this.keys.values()) if (this.isActive(key, now)) return true
    return false
  }

  private isActive (key: StoredKey, now: number): boolean {
    return key.revoked === undefined && (key.expires === undefined || Date.parse(key.expires) > now)
  }

  /** Create a key; the returned `key` string is shown once and cannot be recovered later. */
  async create (options: CreateKeyOptions): Promise<{ key: string, info: ApiKeyInfo }> {
    const name = options.name.trim()
    if (name === '' || name.length > 64) throw new InvalidInputError('a key needs a name of 1 to 64 characters')
    let role: RoleName | undefined
    let scopes: Scope[]
    if (options.scopes !== undefined && options.scopes.length > 0) {
      const bad = options.scopes.filter(scope => !isScope(scope))
      if (bad.length > 0) throw new InvalidInputError(`unknown scope ${bad.join(', ')} (see docs/SECURITY.md)`)
      scopes = options.scopes as Scope[]
    } else {
      const wanted = options.role ?? 'reader'
      if (!isRole(wanted)) throw new InvalidInputError(`unknown role ${wanted}: use admin, writer, pinner or reader, or give scopes`)
      role = wanted
      scopes = [...scopesOfRole(wanted)]
    }
    for (const [field, value] of [['quotaBytes', options.quotaBytes], ['requestsPerMinute', options.requestsPerMinute]] as const) {
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw new InvalidInputError(`${field} must be a positive integer`)
    }
    const id = randomBytes(8).toString('hex').slice(0, 10)
    const secret = randomBytes(24).toString('base64url') + randomBytes(8).toString('base64url')
    const salt = randomBytes(16).toString('hex')
    const stored: StoredKey = {
      id,
      name,
      ...(role === undefined ? {} : { role }),
      scopes,
      created: new Date().toISOString(),
      ...(options.ttlMs === undefined ? {} : { expires: new Date(Date.now() + options.ttlMs).toISOString() }),
      ...(options.quotaBytes === undefined ? {} : { quotaBytes: options.quotaBytes, storedBytes: 0 }),
      ...(options.requestsPerMinute === undefined ? {} : { requestsPerMinute: options.requestsPerMinute }),
      salt,
      hash: digest(salt, secret).toString('hex')
    }
    await this.write(stored)
    this.keys.set(id, stored)
    return { key: `ik_${id}_${secret}`, info: publicInfo(stored) }
  }

  /** Every key's info, newest first. */
  list (): ApiKeyInfo[] {
    return [...this.keys.values()].map(publicInfo).sort((a, b) => b.created.localeCompare(a.created))
  }

  /** Revoke a key by id (or by its full key string); revoking twice is not an error. */
  async revoke (idOrKey: string): Promise<ApiKeyInfo> {
    const id = KEY_SHAPE.exec(idOrKey)?.[1] ?? idOrKey
    const stored = this.keys.get(id)
    if (stored === undefined) throw new NotFoundError(`no API key with id ${id}`)
    stored.revoked ??= new Date().toISOString()
    await this.write(stored)
    return publicInfo(stored)
  }

  /**
   * The key a presented secret belongs to, if it is well formed, matches and is active; `undefined` otherwise (the
   * caller answers 401 without saying which check failed).
   */
  verify (presented: string, now = Date.now()): ApiKeyInfo | undefined {
    const match = KEY_SHAPE.exec(presented)
    if (match === null) return undefined
    const stored = this.keys.get(match[1] ?? '')
    if (stored === undefined) return undefined
    const expected = Buffer.from(stored.hash, 'hex')
    const actual = digest(stored.salt, match[2] ?? '')
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined
    if (!this.isActive(stored, now)) return undefined
    stored.lastUsed = new Date(now).toISOString()
    this.dirty.add(stored.id)
    return publicInfo(stored)
  }

  /** Count bytes a key added against its quota (written back with `lastUsed`). */
  addStored (id: string, bytes: number): void {
    const stored = this.keys.get(id)
    if (stored === undefined || bytes <= 0) return
    stored.storedBytes = (stored.storedBytes ?? 0) + bytes
    this.dirty.add(id)
  }

  /** Whether a key has used up its byte quota. */
  overQuota (id: string): boolean {
    const stored = this.keys.get(id)
    return stored?.quotaBytes !== undefined && (stored.storedBytes ?? 0) >= stored.quotaBytes
  }

  /** Write pending `lastUsed` times and usage. */
  async flush (): Promise<void> {
    const ids = [...this.dirty]
    this.dirty.clear()
    for (const id of ids) {
      const stored = this.keys.get(id)
      if (stored !== undefined) await this.write(stored).catch(() => { this.dirty.add(id) })
    }
  }

  /** Flush and stop the background writer. */
  async close (): Promise<void> {
    if (this.flushTimer !== undefined) clearInterval(this.flushTimer)
    await this.flush()
  }

  private async write (stored: StoredKey): Promise<void> {
    await this.datastore.put(new Key(`${PREFIX}/${stored.id}`), new TextEncoder().encode(JSON.stringify(stored)))
  }
}
