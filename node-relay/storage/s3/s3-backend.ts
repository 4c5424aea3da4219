import { PassThrough, pipeline, Readable } from 'node:stream'
import {
  DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, S3Client
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { NotFoundError } from '../../../core/errors/index.ts'
import { carToVerifiedBlocks, dagToCar, probeStatus } from '../../../core/storage/index.ts'
import { CAR_CONTENT_TYPE, normalisePrefix, objectKey, objectMetadata, rootOfKey } from './layout.ts'
import { isS3NotFound, translateS3Error } from './errors.ts'
import type { AbortOptions } from '../../../core/abort.ts'
import type {
  BackendCapabilities, BackendStatus, CostProfile, DagSource, PutResult, StorageBackend, StoredObject, VerifiedBlock
} from '../../../core/storage/index.ts'
import type { CID } from 'multiformats/cid'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'

/** Everything the S3 backend needs; secrets already resolved (see the relay config's `storage.backends`). */
export interface S3BackendInit {
  /** Instance name, e.g. `s3`. */
  name: string
  bucket: string
  /** Key prefix inside the bucket (default `ipfs`). */
  prefix?: string
  /** Endpoint of an S3-compatible service (MinIO, R2, s3rver...); default AWS. */
  endpoint?: string
  /** Region (default `us-east-1`). */
  region?: string
  /** Path-style URLs (`endpoint/bucket/key`), needed by most S3-compatible services. */
  forcePathStyle?: boolean
  /** Static credentials; without them the SDK's default chain (env, profile, instance role) is used. */
  credentials?: { accessKeyId: string, secretAccessKey: string, sessionToken?: string }
  /** Multipart part size in bytes (default 8 MiB; S3's minimum is 5 MiB). Objects up to one part use one PUT. */
  partSizeBytes?: number
  /** Parts uploaded at once (default 4). */
  queueSize?: number
  /** Overrides of the default cost profile. */
  cost?: Partial<CostProfile>
  /** Use this client instead of building one (its settings win over endpoint/region/credentials). */
  client?: S3Client
}

/** AWS S3 Standard list prices (us-east-1, 2026); S3-compatible services are usually cheaper. An estimate. */
const DEFAULT_COST: CostProfile = { storageUsdPerGbMonth: 0.023, egressUsdPerGb: 0.09, latencyMs: 60, requestUsdPer1000: 0.005 }
const CAPABILITIES: BackendCapabilities = { read: true, write: true, delete: true, list: true, streaming: true }

/** Build the SDK client for an S3 or S3-compatible service. */
export function createS3Client (init: S3BackendInit): S3Client {
  const client = new S3Client({
    region: init.region ?? 'us-east-1',
    ...(init.endpoint === undefined ? {} : { endpoint: init.endpoint }),
    forcePathStyle: init.forcePathStyle ?? false,
    ...(init.credentials === undefined ? {} : { credentials: init.credentials }),
    // S3-compatible services (and older proxies) reject the SDK's default trailing CRC checksums; every block we
    // read is verified against its CID anyway
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 2
  })
  client.middlewareStack.add((next, context) => async (args) => {
    if (UPLOAD_COMMANDS.has(context.commandName ?? '')) unsignedPayload(args.request)
    return await next(args)
  }, { step: 'build', name: 'ipfsKitUnsignedUploadBodies' })
  return client
}

/** The commands whose body is a CAR (or a part of one) we upload. */
const UPLOAD_COMMANDS = new Set(['PutObjectCommand', 'UploadPartCommand'])

/**
 * Send uploads as `UNSIGNED-PAYLOAD`: the request is still signed, but SigV4 no longer hashes every part's bytes
 * (SHA-256, about a second of CPU per GiB). What that hash would prove, that S3 received the bytes we sent, every
 * read proves better: each block read back is hashed against its CID, and the migration controller reads every copy
 * back before recording it. Streamed bodies are already sent this way by the SDK, and the AWS CLI does the same over
 * HTTPS.
 */
function unsignedPayload (request: unknown): void {
  if (typeof request !== 'object' || request === null || !('headers' in request)) return
  const headers = request.headers as Record<string, string>
  headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD'
}

/** Turn an SDK response body into an async iterable of bytes (a Node Readable, or a web stream). */
/**
 * How far a read runs ahead of verification. The response's own buffer is 16 KiB, so while a 1 MiB block is hashed
 * the socket stops and S3 waits; a few MiB in between keep the transfer going while blocks are checked.
 */
const READ_AHEAD_BYTES = 8 * 1024 * 1024

function bodyChunks (body: unknown): Readable {
  const readable = body instanceof Readable
    ? body
    : body instanceof ReadableStream ? Readable.fromWeb(body as WebReadableStream<Uint8Array>) : undefined
  if (readable === undefined) throw new TypeError('S3 returned no readable body')
  const ahead = new PassThrough({ highWaterMark: READ_AHEAD_BYTES })
  // pipeline, not pipe: a cut connection errors `ahead` (the read fails, never hangs), and destroying `ahead`
  // (a reader that stops early) destroys the response too
  pipeline(readable, ahead, () => {})
  return ahead
}

/**
 * A `StorageBackend` over an S3 bucket: each DAG is one CAR object, `<prefix>/<cid>.car`, uploaded with
 * lib-storage (multipart above one part) and streamed back through CID verification. See `layout.ts` for the
 * object layout other tools can rely on.
 *
 * @example
 * ```ts
 * const s3 = createS3Backend({ name: 's3', bucket: 'ipfs', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true })
 * await s3.put(root, node.blockstore)
 * ```
 */
export class S3Backend implements StorageBackend {
  readonly name: string
  readonly kind = 's3'
  readonly layout = 'car' as const
  readonly capabilities = CAPABILITIES
  readonly cost: CostProfile
  readonly bucket: string
  readonly prefix: string
  private readonly client: S3Client
  private readonly partSize: number
  private readonly queueSize: number

  constructor (init: S3BackendInit) {
    this.name = init.name
    this.bucket = init.bucket
    this.prefix = normalisePrefix(init.prefix ?? 'ipfs')
    this.client = init.client ?? createS3Client(init)
    this.partSize = Math.max(5 * 1024 * 1024, init.partSizeBytes ?? 8 * 1024 * 1024)
    this.queueSize = init.queueSize ?? 4
    this.cost = { ...DEFAULT_COST, ...init.cost }
  }

  /** `s3://bucket/key` of a root's object. */
  locator (root: CID): string {
    return `s3://${this.bucket}/${objectKey(this.prefix, root)}`
  }

  async put (root: CID, source: DagSource, options: AbortOptions = {}): Promise<PutResult> {
    options.signal?.throwIfAborted()
    const key = objectKey(this.prefix, root)
    let size = 0
    const counted = async function * (car: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      for await (const chunk of car) {
        size += chunk.byteLength
        yield chunk
      }
    }
    const upload = new Upload({
      client: this.client,
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: Readable.from(counted(dagToCar(source, root, options))),
        ContentType: CAR_CONTENT_TYPE,
        Metadata: objectMetadata(root)
      }
    })
    const abort = (): void => { void upload.abort() }
    options.signal?.addEventListener('abort', abort, { once: true })
    try {
      await upload.done()
    } catch (err) {
      options.signal?.throwIfAborted()
      throw translateS3Error(err, `put ${key}`)
    } finally {
      options.signal?.removeEventListener('abort', abort)
    }
    return { cid: root, size, locator: this.locator(root) }
  }

  async * get (root: CID, options: AbortOptions = {}): AsyncGenerator<VerifiedBlock> {
    options.signal?.throwIfAborted()
    const key = objectKey(this.prefix, root)
    let body: unknown
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: options.signal })
      body = response.Body
    } catch (err) {
      throw translateS3Error(err, `get ${key}`)
    }
    const chunks = bodyChunks(body)
    try {
      yield * carToVerifiedBlocks(root, chunks, options)
    } finally {
      chunks.destroy()
    }
  }

  async has (root: CID, options: AbortOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted()
    const key = objectKey(this.prefix, root)
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: options.signal })
      return true
    } catch (err) {
      if (isS3NotFound(err)) return false
      throw translateS3Error(err, `head ${key}`)
    }
  }

  async delete (root: CID, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const key = objectKey(this.prefix, root)
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: options.signal })
    } catch (err) {
      if (isS3NotFound(err)) return
      throw translateS3Error(err, `delete ${key}`)
    }
  }

  async * list (options: AbortOptions = {}): AsyncGenerator<CID> {
    options.signal?.throwIfAborted()
    let token: string | undefined
    do {
      let page
      try {
        page = await this.client.send(new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix === '' ? undefined : `${this.prefix}/`,
          ContinuationToken: token
        }), { abortSignal: options.signal })
      } catch (err) {
        throw translateS3Error(err, `list ${this.bucket}/${this.prefix}`)
      }
      for (const object of page.Contents ?? []) {
        const root = object.Key === undefined ? undefined : rootOfKey(this.prefix, object.Key)
        if (root !== undefined) yield root
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined
    } while (token !== undefined)
  }

  async stat (root: CID, options: AbortOptions = {}): Promise<StoredObject> {
    options.signal?.throwIfAborted()
    const key = objectKey(this.prefix, root)
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: options.signal })
      return { cid: root, size: head.ContentLength ?? 0, locator: this.locator(root) }
    } catch (err) {
      if (isS3NotFound(err)) throw new NotFoundError(`${root.toString()} is not in ${this.locator(root)}`)
      throw translateS3Error(err, `stat ${key}`)
    }
  }

  async status (options: AbortOptions = {}): Promise<BackendStatus> {
    return probeStatus(async probe => {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: probe.signal })
      } catch (err) {
        throw translateS3Error(err, `bucket ${this.bucket}`)
      }
      return undefined
    }, options)
  }

  async stop (): Promise<void> {
    this.client.destroy()
  }
}

/** Create an S3 backend (see {@link S3Backend}). */
export function createS3Backend (init: S3BackendInit): S3Backend {
  return new S3Backend(init)
}
