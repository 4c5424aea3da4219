/** Storacha's public endpoints, the defaults of a `kind: 'storacha'` backend (kept apart so config loading stays light). */

/** The public upload service; it stopped accepting writes in May 2026 (storacha/upload-service#709). */
export const DEFAULT_SERVICE_URL = 'https://up.storacha.network'
/** The public upload service's DID. */
export const DEFAULT_SERVICE_DID = 'did:web:up.storacha.network'
/** Storacha's public trustless gateway. */
export const DEFAULT_GATEWAY = 'https://storacha.link'
