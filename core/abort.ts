/** Options every async operation in ipfs-kit accepts (the same shape libp2p and Helia use). */
export interface AbortOptions {
  /** Aborts the operation; it rejects with the signal's reason. */
  signal?: AbortSignal
}
