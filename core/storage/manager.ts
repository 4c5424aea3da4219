import { multihashKey } from '../blocks/block-key.ts'
import { InvalidInputError, IpfsKitError, NotFoundError, TooLargeError } from '../errors/index.ts'
import { choosePlacement, LOCAL_ONLY } from './placement.ts'
import { pickReadError } from './read-errors.ts'
import { verifiedReference } from './reference-index.ts'
import type { AbortOptions } from '../abort.ts'
import type { EventBus } from '../events/bus.ts'
import type { BackendStatus, DagSource, StorageBackend, StoredObject, VerifiedBlock } from './backend.ts'
import type { PlacementPolicy } from './placement.ts'
import type { ReferenceIndex, StorageReference } from './reference-index.ts'
import type { CID } from 'multiformats/cid'

/** What the storage manager needs. */
export interface StorageManagerComponents {
  /** Where the first copy of everything lives (the node's own blockstore as a backend). */
  local: StorageBackend
  /** The local blocks, read when placing copies elsewhere. */
  localBlocks: DagSource
  /** Every other backend, by its unique name. */
  backends: StorageBackend[]
  /** The reference index (CID → copies). */
  index: ReferenceIndex
  /** Where `storage:*` events go. */
  events?: Pick<EventBus, 'emit'>
  /** Where copies go by default (default: nowhere but local). */
  policy?: PlacementPolicy
  /** Largest DAG (bytes) a named backend may take; bigger content is not placed there (`ERR_TOO_LARGE`). */
  maxBytes?: Readonly<Record<string, number>>
  /** How long `status()` waits for one backend (default 5 s). */
  statusTimeoutMs?: number
}

/** Options of {@link StorageManager.put}. */
export interface StoragePutOptions extends AbortOptions {
  /** Backends to place copies on (per-content placement); default: the placement policy. */
  to?: string[]
  /** Where to read the DAG from when it is not stored locally yet (e.g. a network-backed blockstore). */
  source?: DagSource
}

/** The outcome of placing one copy. */
export type Placement =
  | { backend: string, ok: true, locator: string, size: number }
  | { backend: string, ok: false, error: { code: string, message: string } }

/** What `put` did: the local copy first, then one entry per chosen backend. */
export interface PlacementReport {
  cid: string
  placements: Placement[]
}

/** Options of {@link StorageManager.get}. */
export interface StorageGetOptions extends AbortOptions {
  /** Read from this backend only (no fallback). */
  from?: string
  /** Told which backend served the whole DAG. */
  onServed?: (backend: string) => void
}

/** A backend's description and health, as the API lists it. */
export interface BackendReport {
  name: string
  kind: string
  layout: string
  capabilities: StorageBackend['capabilities']
  cost: StorageBackend['cost']
  status: BackendStatus
}

function errorInfo (err: unknown): { code: string, message: string } {
  if (err instanceof IpfsKitError) return { code: err.code, message: err.message }
  if (err instanceof Error && err.name === 'AbortError') return { code: 'ERR_ABORTED', message: err.message }
  return { code: 'ERR_INTERNAL', message: err instanceof Error ? err.message : String(err) }
}

/**
 * The unified storage manager: one `put` and one `get` over every backend. `put` stores the DAG once locally and
 * places copies on the backends a per-content list or the placement policy chooses, recording each copy in the
 * reference index and reporting which placements failed. `get` reads from the best source (local first, then
 * backends holding a recorded copy by measured latency and egress cost, then read-anything backends such as
 * gateways), falls back on any failure without repeating blocks, and marks a copy that fails verification
 * (`storage:corrupt`), skipping it from then on.
 *
 * @example
 * ```ts
 * const storage = new StorageManager({ local, localBlocks: blockstore, backends: [s3], index, events })
 * const report = await storage.put(root, { to: ['s3'] })
 * for await (const block of storage.get(root)) { ... }
 * ```
 */
export class StorageManager {
  private readonly components: StorageManagerComponents
  private readonly byName = new Map<string, StorageBackend>()
  /** Latency each backend's last status probe measured. */
  private readonly measured = new Map<string, number>()

  constructor (components: StorageManagerComponents) {
    this.components = components
    for (const backend of [components.local, ...components.backends]) {
      if (this.byName.has(backend.name)) throw new InvalidInputError(`two backends are named "${backend.name}"`)
      this.byName.set(backend.name, backend)
    }
  }

  /** Every backend, local first. */
  list (): StorageBackend[] {
    return [...this.byName.values()]
  }

  /** The backend called `name` (`ERR_NOT_FOUND` when there is none). */
  backend (name: string): StorageBackend {
    const backend = this.byName.get(name)
    if (backend === undefined) throw new NotFoundError(`no backend named "${name}" (configured: ${[...this.byName.keys()].join(', ')})`)
    return backend
  }

  /** The name of the node's own backend (`local` unless the config renames it). */
  get localName (): string {
    return this.components.local.name
  }

  /** The reference index, for the API and for the cluster to mirror. */
  get index (): ReferenceIndex {
    return this.components.index
  }

  /** Recorded copies of `cid`. */
  async references (cid: CID, options?: AbortOptions): Promise<StorageReference[]> {
    return this.components.index.get(cid, options)
  }

  /** Probe every backend at once (each bounded by `statusTimeoutMs`). */
  async status (options: AbortOptions = {}): Promise<BackendReport[]> {
    return Promise.all(this.list().map(async backend => this.report(backend, options)))
  }

  /** Describe and probe one backend. */
  async report (backend: StorageBackend, options: AbortOptions = {}): Promise<BackendReport> {
    const deadline = AbortSignal.timeout(this.components.statusTimeoutMs ?? 5_000)
    const signal = options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline])
    const status = await backend.status({ signal })
    if (status.healthy) this.measured.set(backend.name, status.latencyMs)
    else this.measured.delete(backend.name)
    return { name: backend.name, kind: backend.kind, layout: backend.layout, capabilities: backend.capabilities, cost: backend.cost, status }
  }

  private async record (root: CID, backend: string, stored: StoredObject, options: AbortOptions): Promise<void> {
    await this.components.index.set(verifiedReference(root.toString(), backend, stored), options)
    this.components.events?.emit({ type: 'storage:placed', cid: root.toString(), backend, locator: stored.locator, size: stored.size })
  }

  /**
   * Store `root` locally (from `options.source` when it is not local yet), then place copies. Placements run in
   * parallel; each one's outcome is in the report, and only acknowledged copies enter the index. A failed local
   * store throws (nothing is acknowledged); a failed remote placement does not.
   */
  async put (root: CID, options: StoragePutOptions = {}): Promise<PlacementReport> {
    options.signal?.throwIfAborted()
    const { local, localBlocks } = this.components
    const stored = await local.has(root, options)
      ? await local.stat(root, options)
      : await local.put(root, options.source ?? localBlocks, options)
    await this.record(root, local.name, stored, options)
    const targets = choosePlacement(this.components.policy ?? LOCAL_ONLY, {
      size: stored.size, requested: options.to, known: new Set(this.byName.keys()), local: local.name
    })
    const placements: Placement[] = [{ backend: local.name, ok: true, locator: stored.locator, size: stored.size }]
    placements.push(...await Promise.all(targets.map(async (name): Promise<Placement> => {
      try {
        const limit = this.components.maxBytes?.[name]
        if (limit !== undefined && stored.size > limit) throw new TooLargeError(`${root.toString()} is ${stored.size} bytes; backend "${name}" takes at most ${limit} (storage.maxBytes)`)
        const result = await this.backend(name).put(root, localBlocks, options)
        await this.record(root, name, result, options)
        return { backend: name, ok: true, locator: result.locator, size: result.size }
      } catch (err) {
        const error = errorInfo(err)
        this.components.events?.emit({ type: 'storage:failed', cid: root.toString(), backend: name, operation: 'put', ...error })
        return { backend: name, ok: false, error }
      }
    })))
    return { cid: root.toString(), placements }
  }

  /** Sources to read `root` from, best first, skipping copies marked corrupt. */
  async sources (root: CID, options: AbortOptions = {}): Promise<StorageBackend[]> {
    const { local } = this.components
    const refs = await this.components.index.get(root, options)
    const bad = new Set(refs.filter(r => r.state !== 'ok').map(r => r.backend))
    const held = new Set(refs.filter(r => r.state === 'ok').map(r => r.backend))
    const rank = (b: StorageBackend): number => (this.measured.get(b.name) ?? b.cost.latencyMs) + b.cost.egressUsdPerGb * 1000
    const others = this.list().filter(b => b !== local && b.capabilities.read && !bad.has(b.name))
    const recorded = others.filter(b => held.has(b.name)).sort((a, b) => rank(a) - rank(b))
    // backends without a recorded copy can still have it (a gateway, the IPFS network, a bucket shared with others)
    const unrecorded = others.filter(b => !held.has(b.name)).sort((a, b) => rank(a) - rank(b))
    const localFirst = bad.has(local.name) ? [] : [local]
    return [...localFirst, ...recorded, ...unrecorded]
  }

  /**
   * Read the DAG under `root`, every block verified, from `options.from` or the best source, falling back to the
   * next on failure without repeating blocks already yielded. Throws `ERR_NOT_FOUND` when no source has it and
   * `ERR_BLOCK_CORRUPT` when the only copies found were corrupt.
   */
  async * get (root: CID, options: StorageGetOptions = {}): AsyncGenerator<VerifiedBlock> {
    options.signal?.throwIfAborted()
    const sources = options.from !== undefined ? [this.backend(options.from)] : await this.sources(root, options)
    const yielded = new Set<string>()
    const errors: unknown[] = []
    for (const source of sources) {
      try {
        for await (const block of source.get(root, options)) {
          const key = multihashKey(block.cid)
          if (yielded.has(key)) continue
          yielded.add(key)
          yield block
        }
        await this.components.index.mark(root, source.name, 'ok', undefined, options)
        options.onServed?.(source.name)
        return
      } catch (err) {
        options.signal?.throwIfAborted()
        errors.push(err)
        await this.failedRead(root, source, err)
      }
    }
    throw pickReadError(errors, root)
  }

  private async failedRead (root: CID, source: StorageBackend, err: unknown): Promise<void> {
    const error = errorInfo(err)
    const events = this.components.events
    if (error.code === 'ERR_BLOCK_CORRUPT') {
      const ref = await this.components.index.mark(root, source.name, 'corrupt', error.message)
      events?.emit({ type: 'storage:corrupt', cid: root.toString(), backend: source.name, ...(ref === undefined ? {} : { locator: ref.locator }) })
      return
    }
    if (error.code === 'ERR_NOT_FOUND') {
      // not having what was never placed there is no failure; losing a recorded copy is
      const ref = await this.components.index.find(root, source.name)
      if (ref === undefined) return
      await this.components.index.mark(root, source.name, 'missing', error.message)
    }
    events?.emit({ type: 'storage:failed', cid: root.toString(), backend: source.name, operation: 'get', ...error })
  }
}
