/** The slice of s3rver 3.x (no published types) the storage tests use. */
declare module 's3rver' {
  import type { AddressInfo } from 'node:net'

  interface S3rverOptions {
    address?: string
    port?: number
    silent?: boolean
    directory?: string
    resetOnClose?: boolean
    configureBuckets?: Array<{ name: string, configs?: Array<string | Uint8Array> }>
  }

  export default class S3rver {
    constructor (options?: S3rverOptions)
    run (): Promise<AddressInfo>
    close (): Promise<void>
    reset (): void
  }
}
