/**
 * @packageDocumentation
 *
 * The S3 (and S3-compatible) storage backend: one CAR object per DAG at `<prefix>/<cid>.car`, multipart uploads for
 * large DAGs, every block verified on read. The layout is documented in `layout.ts` and docs/STORAGE.md.
 *
 * @example
 * ```ts
 * import { createS3Backend } from './node-relay/storage/s3/index.ts'
 * const s3 = createS3Backend({ name: 's3', bucket: 'ipfs', endpoint: 'http://127.0.0.1:4568', forcePathStyle: true })
 * ```
 */
export { S3Backend, createS3Backend, createS3Client, type S3BackendInit } from './s3-backend.ts'
export { CAR_CONTENT_TYPE, CAR_SUFFIX, LAYOUT_VERSION, normalisePrefix, objectKey, objectMetadata, rootOfKey } from './layout.ts'
export { isS3NotFound, translateS3Error } from './errors.ts'
