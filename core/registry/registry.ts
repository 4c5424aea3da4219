import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { ForbiddenError, InvalidInputError, NotFoundError } from '../errors/index.ts'
import { HasDependentsError, LineageCycleError, VersionNotFoundError } from './errors.ts'
import { findCycle, versionId, walkLineage } from './lineage.ts'
import { parseReference } from './reference.ts'
import { signValue, verifyValue } from './signing.ts'
import { ALIAS_PATTERN, NAME_PATTERN, aliasRecordSchema, recordSignatureSchema, versionRecordSchema } from './types.ts'
import type { RecordSigner, RecordVerifier } from './signing.ts'
import type { LineageGraph, LineageSource } from './lineage.ts'
import type { AliasRecord, LineageInput, RecordSignature, RegistryEntry, RegistryKind, StoredValue, VersionRecord } from './types.ts'
import type { Datastore } from 'interface-datastore'

/** What a caller declares when registering a version (the registry fills in the number, time and resolved inputs). */
export type RegisterInput = Omit<VersionRecord, 'version' | 'registeredAt' | 'registeredBy' | 'inputs' | 'metrics' | 'tags' | 'metadata'> & {
  metrics?: Record<string, number>
  tags?: string[]
  metadata?: Record<string, unknown>
  /** Inputs: a CID, or `name@version` / `name@alias` (a dataset unless prefixed `model:`; `dataset:` also accepted). */
  inputs?: Array<{ ref: string, role?: string }>
  /** Who registers it. */
  by: string
  /** Point this alias at the new version. */
  alias?: string
}

/** A change to the registry: the key (`<kind>/<name>/v/<n>` or `<kind>/<name>/a/<alias>`) and its new value. */
export type RegistryChange = { key: string, value: StoredValue | undefined }

/** Version of the snapshot layout; a snapshot of another version is ignored (the keys are read). */
const SNAPSHOT_FORMAT = 1

async function sha256Hex (bytes: Uint8Array): Promise<string> {
  return Array.from((await sha256.digest(bytes)).digest, b => b.toString(16).padStart(2, '0')).join('')
}

const normaliseCid = (text: string): string => {
  try {
    return CID.parse(text).toV1().toString()
  } catch {
    throw new InvalidInputError(`"${text}" is not a CID`)
  }
}
const keyOf = (value: StoredValue): string => value.type === 'version'
  ? `${value.record.kind}/${value.record.name}/v/${value.record.version}`
  : `${value.record.kind}/${value.record.name}/a/${value.record.alias}`

/**
 * The model and dataset registry: names with numbered versions (each a root CID plus its record), aliases that move
 * between versions keeping their history, and the lineage between versions. Every record is persisted in the
 * datastore, one key each; {@link Registry.onLocalChange} and {@link Registry.applyRemote} let the relay mirror them
 * into the cluster's replicated state so every relay sees the same registry.
 *
 * @example
 * ```ts
 * const registry = await Registry.open({ datastore })
 * await registry.register({ kind: 'model', name: 'embedder', cid, size, files, by: 'ci', alias: 'production' })
 * registry.resolve('model', 'embedder@production').cid
 * ```
 */
export class Registry implements LineageSource {
  private readonly datastore: Datastore
  private readonly prefix: string
  private readonly entries = new Map<string, RegistryEntry>()
  private readonly byCid = new Map<string, Map<string, VersionRecord>>()
  private readonly byInput = new Map<string, Map<string, VersionRecord>>()
  private readonly listeners = new Set<(change: RegistryChange) => void>()
  private readonly anyListeners = new Set<(change: RegistryChange) => void>()
  private readonly signatures = new Map<string, RecordSignature>()
  private readonly signer: RecordSigner | undefined
  private readonly verifier: RecordVerifier | undefined
  /** Peer ids whose records are applied (undefined: every peer whose signature verifies). */
  private readonly writers: ReadonlySet<string> | undefined
  /** Values from other relays ignored because their signature was missing or did not verify. */
  rejected = 0
  /** Versions registered here that lost their number to another relay's concurrent registration, registered again. */
  reregistered = 0
  /** Keys written by this process (what is ours when records are not signed). */
  private readonly writtenHere = new Set<string>()
  private queue: Promise<unknown> = Promise.resolve()
  private readonly snapshotKey: Key
  private readonly dirtyKey: Key
  private readonly snapshotDelayMs: number
  /** True while records were written that the compact snapshot does not hold yet (the dirty marker is on disk). */
  private dirty = false
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined
  /** How this registry was read at open: from the compact snapshot (one read), or key by key. */
  openedFrom: 'snapshot' | 'scan' = 'scan'

  private constructor (datastore: Datastore, prefix: string, snapshotDelayMs: number, signing: { signer?: RecordSigner, verifier?: RecordVerifier, writers?: Iterable<string> }) {
    this.datastore = datastore
    this.signer = signing.signer
    this.verifier = signing.verifier
    const writers = [...signing.writers ?? []]
    this.writers = writers.length === 0 ? undefined : new Set(writers)
    this.prefix = prefix
    this.snapshotKey = new Key(`${prefix}-snapshot`)
    this.dirtyKey = new Key(`${prefix}-dirty`)
    this.snapshotDelayMs = snapshotDelayMs
  }

  /**
   * Open the registry kept in `datastore` under `prefix` (default `/ipfs-kit/registry`). Every record is its own key
   * (the durable copy, written before a call answers); a compact snapshot of all of them (one key beside the prefix)
   * is written a moment after changes and at {@link Registry.close}, so opening reads one value instead of one per
   * record. A marker key is written before the first change the snapshot lacks and removed once the snapshot holds
   * it: with the marker present (a crash) or no usable snapshot, open reads every key and writes a new snapshot.
   * `snapshot: false` ignores the snapshot (to measure the key-by-key read). With a `signer`, every version and alias
   * written here is signed (the signature travels with it); with a `verifier`, a value from another relay is applied
   * only when its signature verifies. A non-empty `writers` (peer ids; needs a verifier) is the registry's write
   * scope in the cluster: a value signed by any other peer is ignored, and this registry refuses local writes with
   * `ERR_FORBIDDEN` when its own signer is not listed (the others would ignore them).
   */
  static async open (init: { datastore: Datastore, prefix?: string, snapshotDelayMs?: number, snapshot?: boolean, signer?: RecordSigner, verifier?: RecordVerifier, writers?: Iterable<string> }): Promise<Registry> {
    const registry = new Registry(init.datastore, init.prefix ?? '/ipfs-kit/registry', init.snapshotDelayMs ?? 1000, { ...(init.signer === undefined ? {} : { signer: init.signer }), ...(init.verifier === undefined ? {} : { verifier: init.verifier }), ...(init.writers === undefined ? {} : { writers: init.writers }) })
    if (registry.writers !== undefined && registry.verifier === undefined) throw new InvalidInputError('a registry write scope (writers) needs a signature verifier')
    const snapshot = init.snapshot === false || await init.datastore.has(registry.dirtyKey) ? undefined : await registry.readSnapshot()
    if (snapshot !== undefined) {
      for (const stored of snapshot) registry.index(stored)
      registry.openedFrom = 'snapshot'
      return registry
    }
    for await (const { value } of init.datastore.query({ prefix: `${registry.prefix}/` })) {
      const stored = Registry.decode(value)
      if (stored !== undefined) registry.index(stored)
    }
    if (registry.entries.size > 0 && init.snapshot !== false) {
      await registry.markDirty()
      registry.scheduleSnapshot()
    }
    return registry
  }

  /** Write the compact snapshot now if changes are pending, and stop the timer (the registry stays usable). */
  async close (): Promise<void> {
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer)
    this.snapshotTimer = undefined
    await this.serial(async () => this.writeSnapshot())
  }

  /**
   * The snapshot's values, or undefined when it is absent, of another format, or damaged. It is a header line
   * (`{"format":1,"sha256":…}`) and the values as JSON; the values were validated when they were indexed, so they are
   * checked against the digest instead of record by record (zod costs tens of µs a record: most of a key-by-key open).
   */
  private async readSnapshot (): Promise<StoredValue[] | undefined> {
    try {
      const bytes = await this.datastore.get(this.snapshotKey)
      const newline = bytes.indexOf(0x0a)
      const header: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(0, newline)))
      const body = bytes.subarray(newline + 1)
      if (typeof header !== 'object' || header === null || (header as { format?: unknown }).format !== SNAPSHOT_FORMAT) return undefined
      if ((header as { sha256?: unknown }).sha256 !== await sha256Hex(body)) return undefined
      const values: unknown = JSON.parse(new TextDecoder().decode(body))
      return Array.isArray(values) ? values as StoredValue[] : undefined
    } catch {
      return undefined // absent or unreadable: read the keys instead
    }
  }

  private async markDirty (): Promise<void> {
    if (this.dirty) return
    await this.datastore.put(this.dirtyKey, new Uint8Array())
    this.dirty = true
  }

  private scheduleSnapshot (): void {
    if (this.snapshotTimer !== undefined) return
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined
      this.serial(async () => this.writeSnapshot()).catch(() => { /* the marker stays: the next open reads every key */ })
    }, this.snapshotDelayMs)
    this.snapshotTimer.unref?.()
  }

  /** Runs inside the write queue, so no record is written between taking the values and removing the marker. */
  private async writeSnapshot (): Promise<void> {
    if (!this.dirty) return
    const body = new TextEncoder().encode(JSON.stringify(this.all().map(change => change.value)))
    const header = new TextEncoder().encode(`${JSON.stringify({ format: SNAPSHOT_FORMAT, sha256: await sha256Hex(body) })}\n`)
    const bytes = new Uint8Array(header.byteLength + body.byteLength)
    bytes.set(header)
    bytes.set(body, header.byteLength)
    await this.datastore.put(this.snapshotKey, bytes)
    await this.datastore.delete(this.dirtyKey)
    this.dirty = false
  }

  /** Parse a persisted or replicated value; undefined when it does not validate (skipped, not fatal). */
  static decode (bytes: unknown): StoredValue | undefined {
    try {
      const raw: unknown = bytes instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(bytes)) : bytes
      if (typeof raw !== 'object' || raw === null) return undefined
      const type = (raw as { type?: unknown }).type
      const record = (raw as { record?: unknown }).record
      const signature = recordSignatureSchema.safeParse((raw as { signature?: unknown }).signature)
      const signed = signature.success ? { signature: signature.data } : {}
      if (type === 'version') return { type, record: versionRecordSchema.parse(record), ...signed }
      if (type === 'alias') return { type, record: aliasRecordSchema.parse(record), ...signed }
    } catch { /* written by another version of the registry */ }
    return undefined
  }

  /** Listen to changes made on this node (what must be replicated); returns the function that stops listening. */
  onLocalChange (listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** Listen to every change, made here or applied from another relay (what an index of the registry follows). */
  onChange (listener: (change: RegistryChange) => void): () => void {
    this.anyListeners.add(listener)
    return () => { this.anyListeners.delete(listener) }
  }

  /** Every stored value by key (to seed a replica). */
  all (): RegistryChange[] {
    const out: RegistryChange[] = []
    for (const entry of this.entries.values()) {
      for (const record of entry.versions.values()) out.push(this.change({ type: 'version', record }))
      for (const record of entry.aliases.values()) out.push(this.change({ type: 'alias', record }))
    }
    return out
  }

  /** A value with its key and the signature it was stored with. */
  private change (value: StoredValue): { key: string, value: StoredValue } {
    const key = keyOf(value)
    const signature = this.signatures.get(key)
    return { key, value: signature === undefined ? value : { ...value, signature } }
  }

  /** The stored value at `key`. */
  get (key: string): StoredValue | undefined {
    const [kind, name, type, id] = key.split('/')
    const entry = this.entries.get(`${kind ?? ''}/${name ?? ''}`)
    if (type === 'v') {
      const record = entry?.versions.get(Number(id))
      return record === undefined ? undefined : this.change({ type: 'version', record }).value
    }
    const record = entry?.aliases.get(id ?? '')
    return record === undefined ? undefined : this.change({ type: 'alias', record }).value
  }

  /**
   * Apply a value written by another relay (persisted, not re-announced); an invalid one is ignored, and so is one
   * whose signature is missing or does not verify when this registry has a verifier (counted in `rejected`).
   */
  async applyRemote (key: string, value: unknown): Promise<void> {
    await this.serial(async () => {
      const stored = value === undefined ? undefined : Registry.decode(value)
      if (value !== undefined && (stored === undefined || keyOf(stored) !== key)) return
      if (stored !== undefined && this.verifier !== undefined && !await this.accepts(stored)) {
        this.rejected++
        return
      }
      const displaced = this.displacedHere(key, stored)
      await this.write(key, stored, false)
      if (displaced !== undefined) await this.reregister(displaced)
    })
  }

  /** Whether another relay's value is signed by a peer in the write scope, and the signature verifies. */
  private async accepts (value: StoredValue): Promise<boolean> {
    if (this.verifier === undefined) return true
    if (this.writers !== undefined && !this.writers.has(value.signature?.by ?? '')) return false
    return await verifyValue(this.verifier, value, value.signature)
  }

  /** Refuse a local write when this relay is outside the registry's write scope. */
  private assertWriter (): void {
    if (this.writers === undefined || (this.signer !== undefined && this.writers.has(this.signer.id))) return
    throw new ForbiddenError(`this relay (${this.signer?.id ?? 'unsigned'}) is not a registry writer: the cluster's other relays ignore records it signs (cluster.registryWriters)`)
  }

  /**
   * The version record written here that `incoming` (another relay's value for the same key) replaces, when they are
   * two different versions: two relays registered the same name at once and both took the same number, and the
   * replicated state kept the other one. Undefined when nothing of ours is lost (same record, an alias, a removal).
   */
  private displacedHere (key: string, incoming: StoredValue | undefined): VersionRecord | undefined {
    const existing = this.get(key)
    if (existing?.type !== 'version' || incoming?.type !== 'version') return undefined
    const ours = this.writtenHere.has(key) || (this.signer !== undefined && existing.signature?.by === this.signer.id)
    if (!ours) return undefined
    const a = existing.record
    const b = incoming.record
    return a.cid === b.cid && a.registeredAt === b.registeredAt && a.registeredBy === b.registeredBy ? undefined : a
  }

  /**
   * Register a displaced record again under the next free number (announced, so every relay ends with both versions),
   * and move the aliases this relay pointed at the lost number since it was registered to the new one.
   */
  private async reregister (lost: VersionRecord): Promise<void> {
    const entry = this.entries.get(`${lost.kind}/${lost.name}`)
    const version = Math.max(0, ...(entry?.versions.keys() ?? [])) + 1
    const record: VersionRecord = { ...lost, version }
    await this.write(keyOf({ type: 'version', record }), { type: 'version', record }, true)
    this.reregistered++
    for (const alias of [...(entry?.aliases.values() ?? [])]) {
      const key = keyOf({ type: 'alias', record: alias })
      const ours = this.writtenHere.has(key) || (this.signer !== undefined && this.signatures.get(key)?.by === this.signer.id)
      if (ours && alias.version === lost.version && alias.setAt >= lost.registeredAt) await this.moveAlias(lost.kind, lost.name, alias.alias, version, alias.setBy)
    }
  }

  /** Register a new version (numbered one past the highest); resolves its inputs and refuses a lineage cycle. */
  async register (input: RegisterInput, options: { signal?: AbortSignal } = {}): Promise<VersionRecord> {
    if (!NAME_PATTERN.test(input.name)) throw new InvalidInputError(`"${input.name}" is not a registry name (letters, digits, . _ -, at most 100)`)
    if (input.alias !== undefined && !ALIAS_PATTERN.test(input.alias)) throw new InvalidInputError(`"${input.alias}" is not an alias name (letters, digits, . _ -, not only digits)`)
    this.assertWriter()
    return this.serial(async () => {
      options.signal?.throwIfAborted()
      const cid = normaliseCid(input.cid)
      const inputs = (input.inputs ?? []).map(i => this.resolveInput(i.ref, i.role))
      const cycle = findCycle(this, cid, inputs)
      if (cycle !== undefined) throw new LineageCycleError(`${input.kind} "${input.name}": declared inputs lead back to its own root ${cid} (${cycle.join(' ← ')})`)
      const entry = this.entries.get(`${input.kind}/${input.name}`)
      const version = Math.max(0, ...(entry?.versions.keys() ?? [])) + 1
      const { by, alias, inputs: _declared, metrics, tags, metadata, ...rest } = input
      const record = versionRecordSchema.parse({ ...rest, cid, version, registeredAt: new Date().toISOString(), registeredBy: by, metrics: metrics ?? {}, tags: tags ?? [], metadata: metadata ?? {}, inputs })
      await this.write(keyOf({ type: 'version', record }), { type: 'version', record }, true)
      if (alias !== undefined) await this.moveAlias(input.kind, input.name, alias, version, by)
      return record
    })
  }

  /** Point `alias` at `version` (kept in its history); `ERR_VERSION_NOT_FOUND` when there is no such version. */
  async setAlias (kind: RegistryKind, name: string, alias: string, version: number, by: string): Promise<AliasRecord> {
    if (!ALIAS_PATTERN.test(alias)) throw new InvalidInputError(`"${alias}" is not an alias name (letters, digits, . _ -, not only digits)`)
    this.assertWriter()
    return this.serial(async () => this.moveAlias(kind, name, alias, version, by))
  }

  /** Every name of a kind, optionally filtered by a text query (name, description, tags, framework) or a tag. */
  list (kind: RegistryKind, filter: { query?: string, tag?: string } = {}): RegistryEntry[] {
    const words = (filter.query ?? '').toLowerCase().split(/\s+/).filter(w => w !== '')
    return [...this.entries.values()]
      .filter(entry => entry.kind === kind && entry.versions.size > 0)
      .filter(entry => {
        const records = [...entry.versions.values()]
        if (filter.tag !== undefined && !records.some(r => r.tags.includes(filter.tag ?? ''))) return false
        const text = [entry.name, ...records.flatMap(r => [r.description ?? '', r.framework ?? '', r.format ?? '', ...r.tags, JSON.stringify(r.card ?? {})])].join(' ').toLowerCase()
        return words.every(word => text.includes(word))
      })
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  /** One name's versions and aliases, or `ERR_NOT_FOUND`. */
  entry (kind: RegistryKind, name: string): RegistryEntry {
    const entry = this.entries.get(`${kind}/${name}`)
    if (entry === undefined || entry.versions.size === 0) throw new NotFoundError(`no ${kind} named "${name}" is registered`)
    return entry
  }

  /** The version `ref` (`name`, `name@3`, `name@production`) names; typed errors for a bad or dangling reference. */
  resolve (kind: RegistryKind, ref: string): VersionRecord {
    const { name, selector } = parseReference(ref)
    const entry = this.entry(kind, name)
    const alias = 'alias' in selector ? entry.aliases.get(selector.alias) : undefined
    if ('alias' in selector && alias === undefined && selector.alias !== 'latest') throw new NotFoundError(`${kind} "${name}" has no alias "${selector.alias}" (aliases: ${[...entry.aliases.keys()].join(', ') || 'none'})`)
    const version = alias?.version ?? ('version' in selector ? selector.version : Math.max(...entry.versions.keys()))
    const record = entry.versions.get(version)
    if (record === undefined) throw new VersionNotFoundError(`${kind} "${name}" has no version ${version}${alias === undefined ? '' : ` (alias "${alias.alias}" points at it)`}`)
    return record
  }

  /** The lineage graph around `ref`: what it was made from (`up`), what was made from it (`down`), or both. */
  lineage (kind: RegistryKind, ref: string, options: { direction?: 'up' | 'down' | 'both', depth?: number } = {}): LineageGraph {
    return walkLineage(this, this.resolve(kind, ref), options.direction ?? 'both', options.depth ?? 16)
  }

  /**
   * Remove one version. Versions declared as made from it keep it in their lineage, so without `force` this throws
   * `ERR_HAS_DEPENDENTS` naming them; aliases pointing at it go with it. The content itself is not unpinned.
   */
  async removeVersion (kind: RegistryKind, ref: string, options: { force?: boolean } = {}): Promise<{ removed: VersionRecord, dependents: string[], aliases: string[] }> {
    this.assertWriter()
    return this.serial(async () => {
      const removed = this.resolve(kind, ref)
      // a dependent names this version, or declared its CID when no other version has that root
      const onlyHolder = this.versionsWithCid(removed.cid).length === 1
      const dependents = this.derivedFrom(removed.cid)
        .filter(r => r.inputs.some(i => i.cid === removed.cid && (i.name === undefined ? onlyHolder : i.kind === kind && i.name === removed.name && i.version === removed.version)))
        .map(r => versionId(r.kind, r.name, r.version))
      if (dependents.length > 0 && options.force !== true) throw new HasDependentsError(`${versionId(kind, removed.name, removed.version)} is an input of ${dependents.join(', ')}: remove with force to keep them pointing at a version the registry no longer lists`)
      const entry = this.entry(kind, removed.name)
      const aliases = [...entry.aliases.values()].filter(a => a.version === removed.version)
      for (const alias of aliases) await this.write(keyOf({ type: 'alias', record: alias }), undefined, true)
      await this.write(keyOf({ type: 'version', record: removed }), undefined, true)
      return { removed, dependents, aliases: aliases.map(a => a.alias) }
    })
  }

  /** Registered versions rooted at `cid`. */
  versionsWithCid (cid: string): VersionRecord[] {
    return [...(this.byCid.get(cid)?.values() ?? [])]
  }

  /** Registered versions that declared `cid` as an input. */
  derivedFrom (cid: string): VersionRecord[] {
    return [...(this.byInput.get(cid)?.values() ?? [])]
  }

  /** The version a resolved input names, if it still exists. */
  versionOf (input: LineageInput): VersionRecord | undefined {
    if (input.kind === undefined || input.name === undefined || input.version === undefined) return undefined
    return this.entries.get(`${input.kind}/${input.name}`)?.versions.get(input.version)
  }

  private resolveInput (ref: string, role: string | undefined): LineageInput {
    const withRole = role === undefined ? {} : { role }
    const prefixed = /^(model|dataset):(.*)$/.exec(ref)
    if (prefixed === null) {
      try {
        return { cid: CID.parse(ref).toV1().toString(), ...withRole }
      } catch { /* a name reference */ }
    }
    const kind: RegistryKind = prefixed?.[1] === 'model' ? 'model' : 'dataset'
    const record = this.resolve(kind, prefixed?.[2] ?? ref)
    return { cid: record.cid, kind, name: record.name, version: record.version, ...withRole }
  }

  private async moveAlias (kind: RegistryKind, name: string, alias: string, version: number, by: string): Promise<AliasRecord> {
    const entry = this.entry(kind, name)
    if (!entry.versions.has(version)) throw new VersionNotFoundError(`${kind} "${name}" has no version ${version} to point "${alias}" at (versions: ${[...entry.versions.keys()].join(', ')})`)
    const setAt = new Date().toISOString()
    const history = [...(entry.aliases.get(alias)?.history ?? []), { version, setAt, setBy: by }]
    const record: AliasRecord = { kind, name, alias, version, setAt, setBy: by, history }
    await this.write(keyOf({ type: 'alias', record }), { type: 'alias', record }, true)
    return record
  }

  private async write (key: string, value: StoredValue | undefined, local: boolean): Promise<void> {
    const dsKey = new Key(`${this.prefix}/${key}`)
    if (local && value !== undefined && this.signer !== undefined) value = { ...value, signature: await signValue(this.signer, value) }
    if (local) this.writtenHere.add(key)
    else this.writtenHere.delete(key)
    await this.markDirty()
    this.scheduleSnapshot()
    if (value === undefined) await this.datastore.delete(dsKey)
    else await this.datastore.put(dsKey, new TextEncoder().encode(JSON.stringify(value)))
    this.unindex(key)
    if (value !== undefined) this.index(value)
    if (local) for (const listener of this.listeners) listener({ key, value })
    for (const listener of this.anyListeners) listener({ key, value })
  }

  private index (value: StoredValue): void {
    if (value.signature !== undefined) this.signatures.set(keyOf(value), value.signature)
    const { kind, name } = value.record
    const id = `${kind}/${name}`
    const entry = this.entries.get(id) ?? { kind, name, versions: new Map(), aliases: new Map() }
    this.entries.set(id, entry)
    if (value.type === 'alias') {
      entry.aliases.set(value.record.alias, value.record)
      return
    }
    const record = value.record
    entry.versions.set(record.version, record)
    const vid = versionId(kind, name, record.version)
    const atCid = this.byCid.get(record.cid) ?? new Map<string, VersionRecord>()
    this.byCid.set(record.cid, atCid.set(vid, record))
    for (const input of record.inputs) {
      const children = this.byInput.get(input.cid) ?? new Map<string, VersionRecord>()
      this.byInput.set(input.cid, children.set(vid, record))
    }
  }

  private unindex (key: string): void {
    const old = this.get(key)
    this.signatures.delete(key)
    if (old === undefined) return
    const entry = this.entries.get(`${old.record.kind}/${old.record.name}`)
    if (old.type === 'alias') {
      entry?.aliases.delete(old.record.alias)
      return
    }
    const record = old.record
    entry?.versions.delete(record.version)
    const vid = versionId(record.kind, record.name, record.version)
    this.byCid.get(record.cid)?.delete(vid)
    for (const input of record.inputs) this.byInput.get(input.cid)?.delete(vid)
  }

  private async serial<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined)
    return run
  }
}
