import { Key } from 'interface-datastore'
import { importByteStream } from 'ipfs-unixfs-importer'
import { fixedSizeChunker } from '../content/fixed-chunker.ts'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { decrypt, encrypt } from '../crypto/index.ts'
import { BlockCorruptError, IpfsKitError, NotFoundError } from '../errors/index.ts'
import { carToVerifiedBlocks, dagToCar } from './dag.ts'
import type { AbortOptions } from '../abort.ts'
import type { PayloadCipher } from '../crypto/index.ts'
import type { BackendStatus, DagSource, PutResult, StorageBackend, StoredObject, VerifiedBlock } from './backend.ts'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'

/** The relay's at-rest key: an age X25519 identity and its public recipient, which is also its id. */
export interface AtRestKey {
  /** `AGE-SECRET-KEY-1…`: never logged, never in an answer or an error. */
  identity: string
  /** `age1…`: what copies are encrypted to, and the key id the reference index records. */
  recipient: string
}

/** A blockstore on disk for one put's ciphertext, removed afterwards. */
export interface Scratch {
  blockstore: Pick<Blockstore, 'get' | 'put'>
  dispose: () => Promise<void>
}

/** What {@link EncryptedBackend} wraps and where it keeps its envelopes. */
export interface EncryptedBackendInit {
  /** The backend that receives only ciphertext. */
  inner: StorageBackend
  /** Encrypts new copies and decrypts every copy. */
  key: AtRestKey
  /** Older keys that still open copies made before a rotation. */
  previousKeys?: AtRestKey[]
  /** Where each plaintext root's envelope (its ciphertext root and key id) lives: the relay's datastore. */
  datastore: Datastore
  /** A fresh scratch blockstore for one put (on disk, so a 1 GiB DAG does not sit in memory). */
  scratch: () => Promise<Scratch>
  /** ChaCha20-Poly1305 for the age payload (Node passes its native one). */
  cipher?: PayloadCipher
}

/** How one DAG is stored encrypted: the plaintext root's copy is the age file with root `ciphertext`. */
export interface Envelope {
  /** Root CID of the ciphertext's UnixFS file on the inner backend. */
  ciphertext: string
  /** Recipient (`age1…`) of the key it was encrypted to. */
  keyId: string
}

/** Ciphertext leaves: 1 MiB raw blocks, the size every backend takes. */
const LEAF_BYTES = 1024 * 1024

/**
 * `encryptAtRest`: a wrapper that makes any backend hold only ciphertext. `put` streams the DAG's CAR through age
 * (to the relay's own X25519 key) into 1 MiB raw leaves of a UnixFS file, stores that file's DAG on the inner backend
 * and keeps an envelope (plaintext root → ciphertext root, key id) in the datastore. `get` reads the ciphertext DAG
 * (each leaf verified against its CID by the inner backend), decrypts it (age authenticates every 64 KiB chunk) and
 * parses the CAR, verifying every block against its CID as any read does. Tampering surfaces as `ERR_BLOCK_CORRUPT`.
 * The relay operator can read these copies: this protects content from the backend, not from the relay
 * (docs/PRIVACY.md).
 *
 * @example
 * ```ts
 * const s3 = new EncryptedBackend({ inner: createS3Backend(init), key, datastore, scratch })
 * await s3.put(root, blockstore) // the bucket holds an age file, never the blocks
 * ```
 */
export class EncryptedBackend implements StorageBackend {
  readonly name: string
  readonly kind: StorageBackend['kind']
  readonly layout: StorageBackend['layout']
  readonly capabilities: StorageBackend['capabilities']
  readonly cost: StorageBackend['cost']
  readonly inner: StorageBackend
  private readonly init: EncryptedBackendInit
  /** Puts under way by root: a second put of the same content joins the first instead of uploading another ciphertext. */
  private readonly putting = new Map<string, Promise<PutResult>>()

  constructor (init: EncryptedBackendInit) {
    this.init = init
    this.inner = init.inner
    this.name = init.inner.name
    this.kind = init.inner.kind
    this.layout = init.inner.layout
    this.capabilities = init.inner.capabilities
    this.cost = init.inner.cost
  }

  private keyOf (root: CID): Key {
    return new Key(`/ipfs-kit/storage/at-rest/${this.name}/${root.toV1().toString()}`)
  }

  /** The envelope of `root`'s copy, if this backend holds one. */
  async envelope (root: CID, options: AbortOptions = {}): Promise<Envelope | undefined> {
    const key = this.keyOf(root)
    if (!await this.init.datastore.has(key, options)) return undefined
    const value: unknown = JSON.parse(new TextDecoder().decode(await this.init.datastore.get(key, options)))
    if (typeof value !== 'object' || value === null || !('ciphertext' in value) || !('keyId' in value)) return undefined
    const { ciphertext, keyId } = value
    return typeof ciphertext === 'string' && typeof keyId === 'string' ? { ciphertext, keyId } : undefined
  }

  private async required (root: CID, options: AbortOptions): Promise<{ envelope: Envelope, ciphertext: CID }> {
    const envelope = await this.envelope(root, options)
    if (envelope === undefined) throw new NotFoundError(`backend ${this.name} holds no encrypted copy of ${root.toString()}`)
    return { envelope, ciphertext: CID.parse(envelope.ciphertext) }
  }

  private described (root: CID, stored: StoredObject, envelope: Envelope): PutResult {
    return { cid: root, size: stored.size, locator: stored.locator, encryption: { keyId: envelope.keyId, ciphertext: envelope.ciphertext } }
  }

  async put (root: CID, source: DagSource, options: AbortOptions = {}): Promise<PutResult> {
    options.signal?.throwIfAborted()
    const key = root.toV1().toString()
    const running = this.putting.get(key)
    if (running !== undefined) return running
    const started = this.putOnce(root, source, options)
    this.putting.set(key, started)
    try {
      return await started
    } finally {
      this.putting.delete(key)
    }
  }

  private async putOnce (root: CID, source: DagSource, options: AbortOptions): Promise<PutResult> {
    const existing = await this.envelope(root, options)
    if (existing !== undefined && await this.inner.has(CID.parse(existing.ciphertext), options)) {
      return this.described(root, await this.inner.stat(CID.parse(existing.ciphertext), options), existing)
    }
    const scratch = await this.init.scratch()
    try {
      const sealed = encrypt(dagToCar(source, root, options), {
        recipients: [this.init.key.recipient], ...this.cipherOption(), ...(options.signal === undefined ? {} : { signal: options.signal })
      })
      const file = await importByteStream(sealed, scratch.blockstore, {
        cidVersion: 1, rawLeaves: true, chunker: fixedSizeChunker(LEAF_BYTES), ...(options.signal === undefined ? {} : { signal: options.signal })
      })
      const stored = await this.inner.put(file.cid, scratch.blockstore, options)
      const envelope: Envelope = { ciphertext: file.cid.toString(), keyId: this.init.key.recipient }
      // the envelope is written after the inner copy is acknowledged: a crash before leaves no envelope to a missing copy
      await this.init.datastore.put(this.keyOf(root), new TextEncoder().encode(JSON.stringify(envelope)), options)
      return this.described(root, stored, envelope)
    } finally {
      await scratch.dispose()
    }
  }

  private cipherOption (): { cipher?: PayloadCipher } {
    return this.init.cipher === undefined ? {} : { cipher: this.init.cipher }
  }

  private identityFor (envelope: Envelope): string {
    const key = [this.init.key, ...(this.init.previousKeys ?? [])].find(k => k.recipient === envelope.keyId)
    if (key === undefined) throw new BlockCorruptError(`the copy on ${this.name} is encrypted to ${envelope.keyId}, which this relay does not hold (restore that at-rest key)`)
    return key.identity
  }

  async * get (root: CID, options: AbortOptions = {}): AsyncGenerator<VerifiedBlock> {
    options.signal?.throwIfAborted()
    const { envelope, ciphertext } = await this.required(root, options)
    const identity = this.identityFor(envelope)
    const inner = this.inner
    async function * leaves (): AsyncGenerator<Uint8Array> {
      // the inner read yields root first, depth first: the raw leaves in file order, each verified against its CID
      for await (const block of inner.get(ciphertext, options)) {
        if (block.cid.code === raw.code) yield block.bytes
      }
    }
    const plain = decrypt(leaves(), { identities: [identity], ...this.cipherOption(), ...(options.signal === undefined ? {} : { signal: options.signal }) })
    try {
      yield * carToVerifiedBlocks(root, plain, options)
    } catch (err) {
      if (err instanceof IpfsKitError && (err.code === 'ERR_DECRYPT' || err.code === 'ERR_UNSUPPORTED_FORMAT')) {
        throw new BlockCorruptError(`the encrypted copy of ${root.toString()} on ${this.name} failed authentication: ${err.message}`, { cause: err })
      }
      throw err
    }
  }

  async has (root: CID, options: AbortOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted()
    const envelope = await this.envelope(root, options)
    return envelope !== undefined && await this.inner.has(CID.parse(envelope.ciphertext), options)
  }

  async delete (root: CID, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const envelope = await this.envelope(root, options)
    if (envelope === undefined) return
    await this.inner.delete(CID.parse(envelope.ciphertext), options)
    await this.init.datastore.delete(this.keyOf(root), options)
  }

  async * list (options: AbortOptions = {}): AsyncGenerator<CID> {
    options.signal?.throwIfAborted()
    const prefix = `/ipfs-kit/storage/at-rest/${this.name}/`
    for await (const key of this.init.datastore.queryKeys({ prefix }, options)) {
      options.signal?.throwIfAborted()
      const root = CID.parse(key.toString().slice(prefix.length))
      if (await this.has(root, options)) yield root
    }
  }

  async stat (root: CID, options: AbortOptions = {}): Promise<StoredObject> {
    options.signal?.throwIfAborted()
    const { envelope, ciphertext } = await this.required(root, options)
    return this.described(root, await this.inner.stat(ciphertext, options), envelope)
  }

  async status (options?: AbortOptions): Promise<BackendStatus> {
    return this.inner.status(options)
  }

  async stop (): Promise<void> {
    await this.inner.stop?.()
  }
}
