/**
 * The Hugging Face Hub backend: each DAG is one CARv1 file, `<pathPrefix>/<root cid>.car`, in a model or dataset
 * repo, committed with @huggingface/hub. CARs are binary, so the Hub stores them in LFS (large ones with its
 * multipart transfer); reads go through `resolve/<revision>/<path>` and every block is verified against its CID.
 */
import { tmpdir } from 'node:os'
import { checkRepoAccess, commit, fileDownloadInfo, listFiles, pathsInfo } from '@huggingface/hub'
import { CID } from 'multiformats/cid'
import { InvalidInputError, NotFoundError } from '../../../core/errors/index.ts'
import { NotSupportedError, carToVerifiedBlocks, probeStatus } from '../../../core/storage/index.ts'
import { errorForStatus, translateHubError } from './errors.ts'
import { withSpooledCar } from './spool.ts'
import type { AbortOptions } from '../../../core/abort.ts'
import type { HubConnection } from './repo-files.ts'
import type {
  BackendCapabilities, BackendStatus, CostProfile, DagSource, PutResult, StorageBackend, StoredObject, VerifiedBlock
} from '../../../core/storage/index.ts'

/** Everything the Hugging Face backend needs; secrets already resolved. */
export interface HuggingFaceBackendInit {
  /** Instance name, e.g. `hf`. */
  name: string
  /** `namespace/name` of the repo. */
  repo: string
  /** Repo type (default `dataset`). */
  repoType?: 'model' | 'dataset'
  /** Branch to write to and read from (default `main`); a commit id makes the backend read-only. */
  revision?: string
  /** Access token (`hf_...`); needs write access to put and delete. */
  token?: string
  /** Hub base URL (default `https://huggingface.co`). */
  hubUrl?: string
  /** Folder in the repo holding the CARs (default `ipfs`). */
  pathPrefix?: string
  /** Where CARs bigger than `spoolMemoryLimit` are spooled before upload (default the OS temp dir). */
  spoolDir?: string
  /** CARs up to this many bytes are uploaded from memory (default 64 MiB). */
  spoolMemoryLimit?: number
  /** Overrides of the default cost profile. */
  cost?: Partial<CostProfile>
  /** fetch to use (tests, proxies); default the global one. */
  fetch?: typeof fetch
}

/** Hub storage is free for public repos; private storage is billed by plan. A static estimate, not a quote. */
const DEFAULT_COST: CostProfile = { storageUsdPerGbMonth: 0, egressUsdPerGb: 0, latencyMs: 300 }

/** Commit ids are 40 hex characters; a backend pinned to one cannot write. */
const COMMIT_ID = /^[0-9a-f]{40}$/

/** A `StorageBackend` over a Hugging Face Hub repo. Create it with {@link createHuggingFaceBackend}. */
export class HuggingFaceBackend implements StorageBackend {
  readonly name: string
  readonly kind = 'huggingface'
  readonly layout = 'car' as const
  readonly capabilities: BackendCapabilities
  readonly cost: CostProfile
  private readonly repo: { type: 'model' | 'dataset', name: string }
  private readonly revision: string
  private readonly hubUrl: string
  private readonly token: string | undefined
  private readonly prefix: string
  private readonly spoolDir: string
  private readonly spoolMemoryLimit: number | undefined
  private readonly baseFetch: typeof fetch

  constructor (init: HuggingFaceBackendInit) {
    if (init.token !== undefined && !init.token.startsWith('hf_')) throw new InvalidInputError(`backend ${init.name}: a Hugging Face token starts with hf_`)
    this.name = init.name
    this.repo = { type: init.repoType ?? 'dataset', name: init.repo }
    this.revision = init.revision ?? 'main'
    this.hubUrl = (init.hubUrl ?? 'https://huggingface.co').replace(/\/+$/, '')
    this.token = init.token
    this.prefix = (init.pathPrefix ?? 'ipfs').replace(/^\/+|\/+$/g, '')
    this.spoolDir = init.spoolDir ?? tmpdir()
    this.spoolMemoryLimit = init.spoolMemoryLimit
    this.baseFetch = init.fetch ?? globalThis.fetch
    const writable = !COMMIT_ID.test(this.revision)
    this.capabilities = { read: true, write: writable, delete: writable, list: true, streaming: true }
    this.cost = { ...DEFAULT_COST, ...init.cost }
  }

  /** How this backend reaches the Hub (URL, token, fetch): for reading and writing a repo's own files (registry import/export). */
  connection (): HubConnection {
    return { hubUrl: this.hubUrl, fetch: this.baseFetch, ...(this.token !== undefined && { token: this.token }) }
  }

  /** Path of a DAG's CAR in the repo. */
  pathOf (root: CID): string {
    return this.prefix === '' ? `${root.toString()}.car` : `${this.prefix}/${root.toString()}.car`
  }

  /** A URL anyone with access can read the CAR at. */
  private locatorOf (root: CID): string {
    const typed = this.repo.type === 'model' ? '' : `${this.repo.type}s/`
    return `${this.hubUrl}/${typed}${this.repo.name}/resolve/${encodeURIComponent(this.revision)}/${this.pathOf(root)}`
  }

  /** Parameters every @huggingface/hub call shares; the fetch carries our abort signal. */
  private params (options: AbortOptions): { repo: { type: 'model' | 'dataset', name: string }, hubUrl: string, accessToken?: string, fetch: typeof fetch } {
    const signal = options.signal
    const baseFetch = this.baseFetch
    const withSignal: typeof fetch = async (input, init) => {
      const merged = signal === undefined ? init?.signal : init?.signal == null ? signal : AbortSignal.any([signal, init.signal])
      return await baseFetch(input, { ...init, ...(merged != null && { signal: merged }) })
    }
    return { repo: this.repo, hubUrl: this.hubUrl, ...(this.token !== undefined && { accessToken: this.token }), fetch: withSignal }
  }

  /** The repo entry of a DAG's CAR, or undefined. */
  private async entry (root: CID, options: AbortOptions): Promise<{ size: number } | undefined> {
    const [info] = await pathsInfo({ ...this.params(options), paths: [this.pathOf(root)], revision: this.revision })
    return info === undefined || info.type !== 'file' ? undefined : { size: info.lfs?.size ?? info.size }
  }

  /** Store the DAG as one CAR file in one commit; content already there is not committed again. */
  async put (root: CID, source: DagSource, options: AbortOptions = {}): Promise<PutResult> {
    options.signal?.throwIfAborted()
    this.requireWritable('put')
    try {
      const existing = await this.entry(root, options)
      if (existing !== undefined) return { cid: root, size: existing.size, locator: this.locatorOf(root) }
      return await withSpooledCar(this.spoolDir, root, source, options, async (car) => {
        await commit({
          ...this.params(options),
          title: `ipfs-kit: add ${root.toString()}`,
          branch: this.revision,
          useXet: false,
          operations: [{ operation: 'addOrUpdate', path: this.pathOf(root), content: car }],
          ...(options.signal !== undefined && { abortSignal: options.signal })
        })
        return { cid: root, size: car.size, locator: this.locatorOf(root) }
      }, this.spoolMemoryLimit)
    } catch (err) {
      throw translateHubError(err, `put ${root.toString()}`)
    }
  }

  /** Stream the CAR from the Hub and yield its blocks as they arrive, each verified. */
  async * get (root: CID, options: AbortOptions = {}): AsyncGenerator<VerifiedBlock> {
    options.signal?.throwIfAborted()
    let body: ReadableStream<Uint8Array>
    try {
      const params = this.params(options)
      const info = await fileDownloadInfo({ ...params, path: this.pathOf(root), revision: this.revision })
      if (info === null) throw new NotFoundError(`${this.name}: no ${this.pathOf(root)} at ${this.revision}`)
      const res = await params.fetch(info.url, { headers: this.token === undefined ? {} : { Authorization: `Bearer ${this.token}` } })
      if (!res.ok || res.body === null) throw errorForStatus(res.status, `get ${root.toString()}: ${res.statusText}`)
      body = res.body
    } catch (err) {
      throw translateHubError(err, `get ${root.toString()}`)
    }
    yield * carToVerifiedBlocks(root, body, options)
  }

  /** True when the DAG's CAR is in the repo at the revision. */
  async has (root: CID, options: AbortOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted()
    try {
      return (await this.entry(root, options)) !== undefined
    } catch (err) {
      throw translateHubError(err, `has ${root.toString()}`)
    }
  }

  /** Delete the DAG's CAR in one commit; absent content is already deleted. */
  async delete (root: CID, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    this.requireWritable('delete')
    try {
      if ((await this.entry(root, options)) === undefined) return
      await commit({
        ...this.params(options),
        title: `ipfs-kit: delete ${root.toString()}`,
        branch: this.revision,
        operations: [{ operation: 'delete', path: this.pathOf(root) }],
        ...(options.signal !== undefined && { abortSignal: options.signal })
      })
    } catch (err) {
      const typed = translateHubError(err, `delete ${root.toString()}`)
      if (typed instanceof NotFoundError) return // deleted by someone else in the meantime
      throw typed
    }
  }

  /** Roots of every `<cid>.car` under the prefix (other files are ignored). */
  async * list (options: AbortOptions = {}): AsyncGenerator<CID> {
    options.signal?.throwIfAborted()
    const files = listFiles({ ...this.params(options), revision: this.revision, recursive: false, ...(this.prefix !== '' && { path: this.prefix }) })
    try {
      for await (const file of files) {
        options.signal?.throwIfAborted()
        const cid = this.rootOf(file.path)
        if (cid !== undefined) yield cid
      }
    } catch (err) {
      const typed = translateHubError(err, 'list')
      if (typed instanceof NotFoundError) return // the prefix folder does not exist yet: nothing stored
      throw typed
    }
  }

  /** The root CID a repo path names, or undefined for other files. */
  private rootOf (path: string): CID | undefined {
    const name = path.slice(path.lastIndexOf('/') + 1)
    if (!name.endsWith('.car')) return undefined
    try {
      return CID.parse(name.slice(0, -'.car'.length))
    } catch {
      return undefined
    }
  }

  /** Size of the stored CAR and its URL. */
  async stat (root: CID, options: AbortOptions = {}): Promise<StoredObject> {
    options.signal?.throwIfAborted()
    let found: { size: number } | undefined
    try {
      found = await this.entry(root, options)
    } catch (err) {
      throw translateHubError(err, `stat ${root.toString()}`)
    }
    if (found === undefined) throw new NotFoundError(`${this.name}: no ${this.pathOf(root)} at ${this.revision}`)
    return { cid: root, size: found.size, locator: this.locatorOf(root) }
  }

  /** Probe: the repo answers with our token. */
  async status (options: AbortOptions = {}): Promise<BackendStatus> {
    return await probeStatus(async (probeOptions) => {
      try {
        await checkRepoAccess(this.params(probeOptions))
      } catch (err) {
        throw translateHubError(err, 'status')
      }
      return undefined
    }, options)
  }

  private requireWritable (operation: 'put' | 'delete'): void {
    if (!this.capabilities.write) {
      throw new NotSupportedError(`${this.name} reads the fixed commit ${this.revision}: ${operation} needs a branch`)
    }
  }
}

/**
 * Create a Hugging Face Hub backend.
 *
 * @example
 * ```ts
 * const hf = createHuggingFaceBackend({ name: 'hf', repo: 'me/ipfs-store', repoType: 'dataset', token: process.env.HF_TOKEN })
 * await hf.put(root, blockstore)
 * ```
 */
export function createHuggingFaceBackend (init: HuggingFaceBackendInit): HuggingFaceBackend {
  return new HuggingFaceBackend(init)
}
