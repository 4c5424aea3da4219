/**
 * The per-copy records of the `filecoin` backend: for each stored root, which providers hold its CAR as which piece,
 * in which data set, and what we last knew of the copy. Kept in one JSON file written atomically (a temp file then a
 * rename), or in memory when no path is configured.
 */
import { JsonFile } from './json-file.ts'

/**
 * Where a copy is in its life. `uploading` (bytes being sent) → `stored` (the provider has the piece) → `added` (the
 * piece is in an on-chain data set) → `proving` (the data set is challenged; no proof since the piece was added yet)
 * → `proven` (a proof confirmed after the piece was added) → `faulted` (a proof is overdue: the challenge window
 * passed) / `terminated` (the data set is no longer live) / `removed` (the piece's removal is scheduled) / `expired`
 * (the data set's term, its PDP end epoch, has passed).
 * `corrupt` is ours: the provider served bytes that failed verification against the root CID.
 */
export type CopyState = 'uploading' | 'stored' | 'added' | 'proving' | 'proven' | 'faulted' | 'terminated' | 'removed' | 'expired' | 'corrupt'

/** The states in which a copy counts as healthy (it serves reads and counts toward the wanted copies). */
export const HEALTHY_STATES: ReadonlySet<CopyState> = new Set<CopyState>(['stored', 'added', 'proving', 'proven'])

/** One copy of one root's CAR with one provider. */
export interface CopyRecord {
  /** The provider's id in the Filecoin Onchain Cloud service provider registry (decimal string). */
  providerId: string
  /** The PDP data set holding the piece (decimal string). */
  dataSetId: string
  /** The piece's id inside the data set (decimal string). */
  pieceId: string
  /** Where the provider serves the piece. */
  retrievalUrl: string
  state: CopyState
  /** When the state last changed (ISO 8601). */
  updatedAt: string
  /** Why the copy left the good states, when it did. */
  reason?: string
  /** The chain epoch when the piece was added (proofs after it prove this piece). */
  addedEpoch?: number
  /** The data set's last proven epoch as of the last check (next challenge − proving period). */
  lastProvenEpoch?: number
  /** The data set's next challenge epoch as of the last check. */
  nextChallengeEpoch?: number
  /** The epoch the copy's term ends: its data set's PDP end epoch, set when the service was terminated. */
  termEndEpoch?: number
  /** When the copy was first seen proven (ISO 8601). */
  provenAt?: string
  /** When the PDP verifier's state was last read for this copy (ISO 8601). */
  checkedAt?: string
}

/** What the backend keeps for one root. */
export interface RootRecord {
  /** The root CID (string). */
  root: string
  /** The PieceCID (v2) of the root's CAR, computed locally and confirmed by every provider. */
  pieceCid: string
  /** Size of the CAR in bytes. */
  size: number
  copies: CopyRecord[]
  /** When the root was stored (ISO 8601). */
  storedAt: string
}

/** The records of every root a `filecoin` backend holds. */
export class CopyStore {
  private readonly file: JsonFile<RootRecord[]>
  private readonly roots = new Map<string, RootRecord>()
  private loaded: Promise<void> | undefined

  /** @param path - the JSON file; in memory when absent */
  constructor (path?: string) {
    this.file = new JsonFile(path)
  }

  private async load (): Promise<void> {
    this.loaded ??= (async () => {
      for (const record of await this.file.read() ?? []) this.roots.set(record.root, record)
    })()
    await this.loaded
  }

  private async save (): Promise<void> {
    await this.file.write([...this.roots.values()])
  }

  /** The record of a root, if stored. */
  async get (root: string): Promise<RootRecord | undefined> {
    await this.load()
    return this.roots.get(root)
  }

  /** Every stored root's record. */
  async all (): Promise<RootRecord[]> {
    await this.load()
    return [...this.roots.values()]
  }

  /** Store (or replace) a root's record. */
  async set (record: RootRecord): Promise<void> {
    await this.load()
    this.roots.set(record.root, record)
    await this.save()
  }

  /** Change one copy's state. */
  async mark (root: string, providerId: string, state: CopyState, reason?: string): Promise<void> {
    await this.load()
    const record = this.roots.get(root)
    const copy = record?.copies.find((c) => c.providerId === providerId)
    if (copy === undefined) return
    copy.state = state
    copy.updatedAt = new Date().toISOString()
    if (reason !== undefined) copy.reason = reason
    await this.save()
  }

  /** Change fields of one copy (its state among them) and save. */
  async update (root: string, providerId: string, dataSetId: string, change: Partial<CopyRecord>): Promise<void> {
    await this.load()
    const copy = this.roots.get(root)?.copies.find((c) => c.providerId === providerId && c.dataSetId === dataSetId)
    if (copy === undefined) return
    Object.assign(copy, change)
    await this.save()
  }

  /** Add copies to a root's record. */
  async addCopies (root: string, copies: CopyRecord[]): Promise<void> {
    await this.load()
    const record = this.roots.get(root)
    if (record === undefined) return
    record.copies.push(...copies)
    await this.save()
  }

  /** Forget a root. */
  async delete (root: string): Promise<void> {
    await this.load()
    if (this.roots.delete(root)) await this.save()
  }
}
