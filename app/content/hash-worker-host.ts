/** A leaf to hash, as the page sends it: `bytes` owns its whole (transferred) buffer. */
export interface HashRequest {
  id: number
  bytes: Uint8Array<ArrayBuffer>
}

/** The answer: the SHA-256 digest (32 bytes), or why it failed; `bytes` always comes back. */
export type HashResponse = { id: number, bytes: Uint8Array, digest: Uint8Array } | { id: number, bytes: Uint8Array, error: string }

/**
 * Answer hash requests in a worker: WebCrypto's SHA-256 of each leaf (its input copy and the hash both run on this
 * thread), then the leaf and digest go back transferred. Requests are answered as their digests finish, in any order.
 */
export function serveLeafHashing (scope: Pick<DedicatedWorkerGlobalScope, 'addEventListener' | 'postMessage'>): void {
  scope.addEventListener('message', (event: MessageEvent<HashRequest>) => {
    const { id, bytes } = event.data
    crypto.subtle.digest('SHA-256', bytes).then(digest => {
      const response: HashResponse = { id, bytes, digest: new Uint8Array(digest) }
      scope.postMessage(response, [bytes.buffer, digest])
    }, (err: unknown) => {
      const response: HashResponse = { id, bytes, error: err instanceof Error ? err.message : String(err) }
      scope.postMessage(response, [bytes.buffer])
    })
  })
}
