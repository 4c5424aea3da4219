import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { InvalidInputError } from '../errors/index.ts'
import type { AbortOptions } from '../abort.ts'
import type { StoredObject } from './backend.ts'
import type { Datastore } from 'interface-datastore'

/** Where a copy stands: `ok` (stored, last read verified), `corrupt` (failed verification), `missing` (gone). */
export type ReferenceState = 'ok' | 'corrupt' | 'missing'

/** One copy of one DAG on one backend. */
export interface StorageReference {
  /** Root CID (as given when stored). */
  cid: string
  /** Backend instance name. */
  backend: string
  /** Backend-specific address (`s3://bucket/key`, `local/<cid>`...). */
  locator: string
  /** Bytes the backend holds for it. */
  size: number
  state: ReferenceState
  /** When it was placed (ISO 8601). */
  storedAt: string
  /** When a read from this copy last verified every block (ISO 8601). */
  verifiedAt?: string
  /** When it was marked corrupt or missing, and why. */
  markedAt?: string
  reason?: string
  /** The copy is encrypted at rest: with which relay key (`age1…`), and the ciphertext's root on the backend. */
  encryption?: { keyId: string, ciphertext: string }
}

/**
 * The reference of a copy just written and read back whole: state `ok`, stored and verified now, with the backend's
 * locator and size and, for a copy encrypted at rest, its key id and ciphertext root.
 */
export function verifiedReference (cid: string, backend: string, stored: StoredObject): StorageReference {
  const now = new Date().toISOString()
  const { locator, size, encryption } = stored
  return { cid, backend, locator, size, state: 'ok', storedAt: now, verifiedAt: now, ...(encryption === undefined ? {} : { encryption }) }
}

/** A change to the index, for whoever mirrors it (the cluster's replicated metadata). */
export type ReferenceChange = { type: 'set', reference: StorageReference } | { type: 'delete', cid: string, backend: string }

/** Backend names are path segments of index keys. */
const NAME = /^[A-Za-z0-9][\w.-]{0,63}$/

/** Key of one reference: `<prefix>/<cid v1>/<backend>`. */
function keyOf (prefix: string, cid: CID, backend: string): Key {
  if (!NAME.test(backend)) throw new InvalidInputError(`backend name "${backend}" must be 1-64 letters, digits, ".", "_" or "-"`)
  return new Key(`${prefix}/${cid.toV1().toString()}/${backend}`)
}

function decode (bytes: Uint8Array): StorageReference | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes))
    if (typeof value !== 'object' || value === null) return undefined
    const ref = value as Partial<StorageReference>
    if (typeof ref.cid !== 'string' || typeof ref.backend !== 'string' || typeof ref.locator !== 'string' || typeof ref.size !== 'number') return undefined
    return value as StorageReference
  } catch {
    return undefined
  }
}

/**
 * The reference index: which backend holds a copy of which DAG (CID → backend, locator, size, verified-at,
 * state), persisted in a datastore (the relay's filesystem datastore writes each entry atomically, so a crash
 * keeps either the old or the new entry). `onChange` lets the cluster mirror it into its replicated metadata.
 *
 * @example
 * ```ts
 * const index = new ReferenceIndex({ datastore })
 * await index.set({ cid, backend: 's3', locator, size, state: 'ok', storedAt: new Date().toISOString() })
 * const copies = await index.get(CID.parse(cid))
 * ```
 */
export class ReferenceIndex {
  private readonly datastore: Datastore
  private readonly prefix: string
  private readonly listeners = new Set<(change: ReferenceChange) => void>()

  constructor (init: { datastore: Datastore, prefix?: string }) {
    this.datastore = init.datastore
    this.prefix = init.prefix ?? '/ipfs-kit/storage/refs'
  }

  /** Record (or replace) a copy. `silent`: listeners are not told (a change that came from the mirror itself). */
  async set (reference: StorageReference, options: AbortOptions & { silent?: boolean } = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const key = keyOf(this.prefix, CID.parse(reference.cid), reference.backend)
    await this.datastore.put(key, new TextEncoder().encode(JSON.stringify(reference)), options)
    if (options.silent !== true) this.notify({ type: 'set', reference })
  }

  /** The copy of `cid` on `backend`, if recorded. */
  async find (cid: CID, backend: string, options: AbortOptions = {}): Promise<StorageReference | undefined> {
    options.signal?.throwIfAborted()
    const key = keyOf(this.prefix, cid, backend)
    if (!await this.datastore.has(key, options)) return undefined
    return decode(await this.datastore.get(key, options))
  }

  /** Every recorded copy of `cid`. */
  async get (cid: CID, options: AbortOptions = {}): Promise<StorageReference[]> {
    options.signal?.throwIfAborted()
    const out: StorageReference[] = []
    for await (const { value } of this.datastore.query({ prefix: `${this.prefix}/${cid.toV1().toString()}/` }, options)) {
      const ref = decode(value)
      if (ref !== undefined) out.push(ref)
    }
    return out.sort((a, b) => a.backend.localeCompare(b.backend))
  }

  /** Every recorded copy of everything. */
  async * all (options: AbortOptions = {}): AsyncGenerator<StorageReference> {
    options.signal?.throwIfAborted()
    for await (const { value } of this.datastore.query({ prefix: `${this.prefix}/` }, options)) {
      const ref = decode(value)
      if (ref !== undefined) yield ref
    }
  }

  /** Change the state of a recorded copy (no-op when there is none). */
  async mark (cid: CID, backend: string, state: ReferenceState, reason?: string, options: AbortOptions = {}): Promise<StorageReference | undefined> {
    const ref = await this.find(cid, backend, options)
    if (ref === undefined) return undefined
    const now = new Date().toISOString()
    const next: StorageReference = state === 'ok'
      ? { ...ref, state, verifiedAt: now }
      : { ...ref, state, markedAt: now, ...(reason === undefined ? {} : { reason }) }
    if (state === 'ok') {
      delete next.markedAt
      delete next.reason
    }
    await this.set(next, options)
    return next
  }

  /** Forget a copy. `silent`: listeners are not told. */
  async delete (cid: CID, backend: string, options: AbortOptions & { silent?: boolean } = {}): Promise<void> {
    options.signal?.throwIfAborted()
    await this.datastore.delete(keyOf(this.prefix, cid, backend), options)
    if (options.silent !== true) this.notify({ type: 'delete', cid: cid.toString(), backend })
  }

  /** Listen to every change; returns the function that stops listening. */
  onChange (listener: (change: ReferenceChange) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  private notify (change: ReferenceChange): void {
    for (const listener of this.listeners) {
      try { listener(change) } catch { /* a broken mirror must not fail the write */ }
    }
  }
}
