import { linksOf } from '../content/dag-walk.ts'
import { knownLength } from '../content/source.ts'
import { KeyLock } from './key-lock.ts'
import { readPinRecords } from './pin-records.ts'
import type { TornPinRecord } from './pin-records.ts'
import type { Datastore } from 'interface-datastore'
import drain from 'it-drain'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { BlockCorruptError, CidMismatchError, InvalidInputError, NotFoundError } from '../errors/index.ts'
import { hasherFor } from '../blocks/hashers.ts'
import { presenceAwareWalker } from './pin-walker.ts'
import { StoredLeaves } from './stored-leaves.ts'
import type { PinWriteBatch } from './pin-write-batch.ts'
import type { AbortOptions } from '../abort.ts'
import type { ContentStore } from '../content/content-store.ts'
import type { AddEntry, AddOptions, AddResult, AddSource, CarImportResult, CatOptions, LsEntry, OpenedEntry, Stat, StatOptions } from '../content/types.ts'
import type { EventBus } from '../events/bus.ts'
import type { BlockStat, NodeIdentity, PeerInfo, PinInfo } from './types.ts'
import type { Pins } from '@helia/interface'
import type { Libp2p } from '@libp2p/interface'

/** What the service is built from: one visible wiring place per runtime fills this in. */
export interface IpfsServiceComponents {
  content: ContentStore
  pins: Pins
  /** The datastore under `pins`: pins are listed from it directly so one torn record cannot fail a listing. */
  datastore?: Pick<Datastore, 'query'>
  events: EventBus
  libp2p?: Pick<Libp2p, 'peerId' | 'getMultiaddrs' | 'getConnections' | 'getProtocols'>
  agentVersion?: string
  /**
   * Checked before an add, CAR import or block put writes anything, with the size when the source knows it (a Blob,
   * bytes): a browser node refuses here an add that cannot fit in its storage quota, a relay one past
   * `blocks.quotaBytes`, so every caller gets the check.
   */
  beforeAdd?: (knownBytes: number | undefined, options: AbortOptions) => Promise<void>
  /** Told of every content read (`cat`, CAR export) with its target, for "last read" dates; must be cheap. */
  onRead?: (target: CID | string) => void
  /**
   * Held (shared) for the whole of a write that ends in a pin (an add, a CAR import, a block put) and while a pin
   * record is written, so a garbage collection, which takes it exclusively, never runs in the middle of one: it sees
   * either no blocks of an add, or its pin (Kubo's GC lock). Returns the release.
   */
  writeGuard?: (options?: AbortOptions) => Promise<() => void>
  /**
   * Held alone by a block removal, as a collection holds it (Kubo's `block rm` takes the GC lock): an add's blocks
   * cannot be removed between their write and the add's pin, which records them as stored. Returns the release.
   */
  exclusiveGuard?: (options?: AbortOptions) => Promise<() => void>
  /**
   * The datastore under `pins` when it can hold a pin's records and commit them together
   * (`PinBatchingDatastore`): a pin then writes its records as batches, and one that fails before its commit leaves
   * none (see that class for large DAGs and crashes).
   */
  pinWriteBatch?: PinWriteBatch
}

/** Options for adds through the service. */
export interface ServiceAddOptions extends AddOptions {
  /** Pin what was added (default true, as Kubo does). */
  pin?: boolean
  /** Name recorded on the pin and in events. */
  name?: string
  /**
   * For `addAll`: when the upload has exactly one top-level entry (a file, or a directory with everything in it),
   * that entry is the result's root, as `ipfs add` prints it, instead of a directory wrapping it.
   */
  unwrapSingle?: boolean
}

/** Options for pinning. */
export interface PinAddOptions extends AbortOptions {
  name?: string
  metadata?: Record<string, string | number | boolean>
  /** Pin the whole DAG (default) or only the root block. */
  recursive?: boolean
}

const META_NAME = 'name'

/** Helia's `pins.get` returns the record without its CID, so the CID is passed alongside. */
function toPinInfo (cid: CID, pin: { depth: number, metadata: Record<string, string | number | boolean> }): PinInfo {
  const { [META_NAME]: name, ...metadata } = pin.metadata
  return { cid, depth: pin.depth, name: typeof name === 'string' ? name : '', metadata }
}

/** One `onBlockStored` that tells both listeners (the service's own, and its caller's if any). */
function noteBoth (own: (cid: CID) => void, caller: ((cid: CID) => void) | undefined): (cid: CID) => void {
  return caller === undefined ? own : cid => { own(cid); caller(cid) }
}

/**
 * The operations every surface offers (REST, gateway, CLI through REST, MCP, the browser UI): one implementation,
 * so no surface grows its own version of "add" or "pin".
 */
export class IpfsService {
  readonly content: ContentStore
  private readonly components: IpfsServiceComponents

  /** Pin changes of one CID, in turn. */
  private readonly cidLocks = new KeyLock()
  /** Changes to the pin records (Helia's per-block counts are read-modify-writes), one at a time. */
  private readonly pinWrites = new KeyLock()

  constructor (components: IpfsServiceComponents) {
    this.components = components
    this.content = components.content
  }

  /** Add one file; pinned (and announced as `content:added`) unless `pin: false`. */
  async add (source: AddSource, options: ServiceAddOptions = {}): Promise<AddResult> {
    await this.components.beforeAdd?.(knownLength(source), options)
    return this.guarded(async () => {
      const stored = new StoredLeaves()
      const result = await this.content.add(source, { ...options, onBlockStored: noteBoth(stored.note, options.onBlockStored) })
      await this.afterAdd(result, options, stored)
      return result
    }, options)
  }

  /** Run `fn` holding the write guard (shared with other writes, exclusive of a garbage collection). */
  private async guarded<T> (fn: () => Promise<T>, options?: AbortOptions): Promise<T> {
    const release = await this.components.writeGuard?.(options)
    try {
      return await fn()
    } finally {
      release?.()
    }
  }

  /** Add a tree; the root (last result), or without a wrapping directory each top-level entry, is pinned unless `pin: false`. */
  async addAll (entries: Iterable<AddEntry> | AsyncIterable<AddEntry>, options: ServiceAddOptions = {}): Promise<AddResult[]> {
    await this.components.beforeAdd?.(undefined, options)
    return this.guarded(async () => this.addAllNow(entries, options), options)
  }

  private async addAllNow (entries: Iterable<AddEntry> | AsyncIterable<AddEntry>, options: ServiceAddOptions): Promise<AddResult[]> {
    let count = 0
    const counted = async function * (): AsyncGenerator<AddEntry> {
      for await (const entry of entries) {
        count++
        yield entry
      }
    }
    const results: AddResult[] = []
    const stored = new StoredLeaves()
    for await (const result of this.content.addAll(counted(), { ...options, onBlockStored: noteBoth(stored.note, options.onBlockStored) })) results.push(result)
    // an upload without files would pin an empty directory: refused before anything is pinned
    if (count === 0) throw new InvalidInputError('nothing to add: the upload held no files')
    if (options.unwrapSingle === true && options.wrapWithDirectory !== false) {
      const top = results.filter(r => r.path !== '' && !r.path.includes('/'))
      if (top.length === 1 && results.at(-1)?.path === '') results.pop() // the wrapping directory: not the answer
    }
    // without a wrapping directory every top-level entry is a root of its own (as `ipfs add a b`): each is pinned
    const roots = options.wrapWithDirectory === false ? results.filter(r => r.path !== '' && !r.path.includes('/')) : results.slice(-1)
    for (const root of roots) await this.afterAdd(root, options, stored)
    return results
  }

  private async afterAdd (result: AddResult, options: ServiceAddOptions, stored: StoredLeaves): Promise<void> {
    if (options.pin !== false) await this.pin(result.cid, { name: options.name, signal: options.signal }, stored)
    this.components.events.emit({ type: 'content:added', cid: result.cid.toString(), size: result.size, name: options.name })
  }

  cat (target: CID | string, options?: CatOptions): AsyncGenerator<Uint8Array> {
    this.components.onRead?.(target)
    return this.content.cat(target, options)
  }

  /** Resolve a file once and read its stat, then its bytes (see `ContentStore.open`); counts as one read. */
  async open (target: CID | string, options?: AbortOptions): Promise<OpenedEntry> {
    this.components.onRead?.(target)
    return this.content.open(target, options)
  }

  ls (target: CID | string, options?: AbortOptions): AsyncGenerator<LsEntry> {
    return this.content.ls(target, options)
  }

  async stat (target: CID | string, options?: StatOptions): Promise<Stat> {
    return this.content.stat(target, options)
  }

  /**
   * Pin a DAG (fetching missing blocks from peers). The pin record is written only once every block is held.
   * Concurrent pins and unpins of one CID run one after the other (the second add of a pin updates its metadata),
   * and every change to the pin records runs alone: Helia's per-block pin counts are read-modify-writes. Blocks
   * missing locally are fetched before that turn, so a slow fetch never holds other pins up.
   */
  async pinAdd (cid: CID, options: PinAddOptions = {}): Promise<PinInfo> {
    // fetch before taking any lock, so a slow fetch holds up neither a collection nor this CID's other pin changes
    await this.fetchForPin(cid, options)
    // the write guard before this CID's lock, in the order an add takes them: the other order deadlocks once a
    // collection or block rm waits for the guard between the two (mortice queues new shared holders behind it)
    return this.guarded(async () => this.pin(cid, options), options)
  }

  /**
   * Pin, with the write guard held by the caller. `stored`: the leaves the add before this pin stored (that add has
   * held the guard since), proved without asking the store.
   */
  private async pin (cid: CID, options: PinAddOptions, stored?: StoredLeaves): Promise<PinInfo> {
    const metadata: Record<string, string | number | boolean> = { ...options.metadata }
    if (options.name !== undefined && options.name !== '') metadata[META_NAME] = options.name
    return await this.cidLocks.run(cid.toV1().toString(), async () => {
      // a collection between pinAdd's fetch and the guard may have dropped fetched blocks: fetched again (else cheap)
      await this.fetchForPin(cid, options)
      await this.pinWrites.run('pins', async () => {
        // isPinned is also true for blocks inside another pin; only a pin record of this CID's own can be updated
        if (await this.hasPinRecord(cid, options)) {
          await this.components.pins.setMetadata(cid, metadata, options)
        } else {
          const batch = this.components.pinWriteBatch
          // without a write guard (a node that has none) nothing keeps an add's blocks until its pin: all are checked
          const knownPresent = this.components.writeGuard === undefined ? undefined : stored?.has
          const walker = presenceAwareWalker({ onAhead: cids => { batch?.readAhead(cids) }, knownPresent })
          const record = async (): Promise<void> => {
            await drain(this.components.pins.add(cid, { metadata, depth: options.recursive === false ? 0 : Infinity, signal: options.signal, walker }))
          }
          await (batch?.run(record, options) ?? record())
        }
      })
      this.components.events.emit({ type: 'pin:added', cid: cid.toString(), name: options.name })
      return toPinInfo(cid, await this.components.pins.get(cid, options))
    })
  }

  /**
   * Find the root, and unless it was already here and the pin is recursive, fetch the DAG: fails fast with
   * ERR_NOT_FOUND / ERR_TIMEOUT instead of waiting inside the pin's walk.
   */
  private async fetchForPin (cid: CID, options: PinAddOptions): Promise<void> {
    const local = await this.content.hasBlock(cid, options)
    await this.content.getBlock(cid, options)
    if (!local && options.recursive !== false) await this.fetchDag(cid, options)
  }

  /** Bring every block of a DAG into the local store (from peers), reading only what is missing. */
  private async fetchDag (root: CID, options: AbortOptions): Promise<void> {
    const stack: CID[] = [root]
    while (stack.length > 0) {
      options.signal?.throwIfAborted()
      const cid = stack.pop()
      if (cid === undefined) break
      if (cid.code === raw.code && await this.content.hasBlock(cid, options)) continue
      const bytes = await this.content.getBlock(cid, options)
      stack.push(...linksOf(cid, bytes))
    }
  }

  private async hasPinRecord (cid: CID, options?: AbortOptions): Promise<boolean> {
    try {
      await this.components.pins.get(cid, options)
      return true
    } catch (err) {
      if (err instanceof Error && err.name === 'NotFoundError') return false
      throw err
    }
  }

  /** Remove a pin; `ERR_NOT_FOUND` when it is not pinned. */
  async pinRm (cid: CID, options?: AbortOptions): Promise<void> {
    await this.cidLocks.run(cid.toV1().toString(), async () => {
      await this.pinWrites.run('pins', async () => {
        if (!await this.hasPinRecord(cid, options)) {
          throw new NotFoundError(`${cid.toString()} is not pinned (it may be held by another pin)`)
        }
        await drain(this.components.pins.rm(cid, options))
      })
      this.components.events.emit({ type: 'pin:removed', cid: cid.toString() })
    })
  }

  /** List pins, or the one for `cid`. */
  async * pinLs (options: AbortOptions & { cid?: CID } = {}): AsyncGenerator<PinInfo> {
    const { cid, ...rest } = options
    if (cid !== undefined) {
      // Helia's `ls({ cid })` filters nothing out in v7; ask for the one record instead
      if (await this.hasPinRecord(cid, rest)) yield toPinInfo(cid, await this.components.pins.get(cid, rest))
      return
    }
    if (this.components.datastore === undefined) {
      for await (const pin of this.components.pins.ls(rest)) yield toPinInfo(pin.cid, pin)
      return
    }
    const onTorn = (torn: TornPinRecord): void => { console.error(`ipfs-kit: skipped an unreadable pin record ${torn.key} (${torn.reason}); ipfs-kit repo verify --repair removes it`) }
    for await (const pin of readPinRecords(this.components.datastore, { ...rest, onTorn })) yield toPinInfo(pin.cid, pin)
  }

  /** Read one block, verified. */
  async blockGet (cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    return this.content.getBlock(cid, options)
  }

  /**
   * Store one block. With `cid`, the bytes are verified against it; without, a CIDv1 is made from `codec`
   * (default raw) and sha2-256.
   */
  async blockPut (bytes: Uint8Array, options: AbortOptions & { cid?: CID, codec?: number } = {}): Promise<BlockStat> {
    await this.components.beforeAdd?.(bytes.byteLength, options)
    return this.guarded(async () => this.blockPutNow(bytes, options), options)
  }

  private async blockPutNow (bytes: Uint8Array, options: AbortOptions & { cid?: CID, codec?: number }): Promise<BlockStat> {
    let cid = options.cid
    if (cid === undefined) {
      const hasher = hasherFor(0x12)
      if (hasher === undefined) throw new InvalidInputError('sha2-256 is not available')
      cid = CID.createV1(options.codec ?? raw.code, await hasher.digest(bytes))
    }
    try {
      // a stored copy that fails verification is dropped by the read (quarantine), so this put writes it again
      if (await this.content.hasBlock(cid, options)) await this.content.getBlock(cid, options).catch(() => {})
      await this.content.putBlock(cid, bytes, options)
    } catch (err) {
      if (err instanceof BlockCorruptError) throw new CidMismatchError(`the bytes sent do not match ${cid.toString()}`, { cause: err })
      throw err
    }
    this.components.events.emit({ type: 'block:added', cid: cid.toString(), size: bytes.byteLength })
    return { cid, size: bytes.byteLength }
  }

  /**
   * Remove one block from the local store. A block that a pin keeps (the root or any block of a pinned DAG, as Helia
   * counts them) is refused with `ERR_INVALID_INPUT`, as `ipfs block rm` refuses it; a block not held is
   * `ERR_NOT_FOUND`.
   */
  async blockRm (cid: CID, options?: AbortOptions): Promise<void> {
    const release = await this.components.exclusiveGuard?.(options)
    try {
      if (!await this.content.hasBlock(cid, options)) throw new NotFoundError(`block ${cid.toString()} is not stored here`)
      if (await this.components.pins.isPinned(cid, options)) throw new InvalidInputError(`block ${cid.toString()} is pinned: unpin it first`)
      await this.content.blocks.delete(cid, options)
    } finally {
      release?.()
    }
  }

  async blockStat (cid: CID, options?: AbortOptions): Promise<BlockStat> {
    const bytes = await this.content.getBlock(cid, options)
    return { cid, size: bytes.byteLength }
  }

  exportCar (root: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    this.components.onRead?.(root)
    return this.content.exportCar(root, options)
  }

  /** Import a CAR (every block verified first); its roots are pinned unless `pin: false`. */
  async importCar (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: AbortOptions & { pin?: boolean, name?: string } = {}): Promise<CarImportResult> {
    await this.components.beforeAdd?.(undefined, options)
    return this.guarded(async () => {
      const result = await this.content.importCar(source, options)
      if (options.pin !== false) {
        for (const root of result.roots) {
          if (await this.content.hasBlock(root, options)) await this.pin(root, { name: options.name, signal: options.signal })
        }
      }
      return result
    }, options)
  }

  /** This node's identity. */
  id (): NodeIdentity {
    const libp2p = this.components.libp2p
    return {
      peerId: libp2p?.peerId.toString() ?? '',
      addresses: libp2p?.getMultiaddrs().map(String) ?? [],
      agentVersion: this.components.agentVersion ?? 'ipfs-kit',
      protocols: libp2p?.getProtocols() ?? []
    }
  }

  /** Open connections. */
  peers (): PeerInfo[] {
    return (this.components.libp2p?.getConnections() ?? []).map(conn => ({
      peerId: conn.remotePeer.toString(),
      addr: conn.remoteAddr.toString(),
      direction: conn.direction,
      limited: conn.limits !== undefined
    }))
  }
}
