/**
 * The one table from error code to HTTP status. The REST API, the gateway and the MCP server all read it;
 * add a code here before raising it anywhere.
 */
export const ERROR_STATUS = {
  ERR_BLOCK_CORRUPT: 502,
  ERR_BLOCK_TOO_LARGE: 413,
  ERR_NOT_FOUND: 404,
  ERR_INVALID_CID: 400,
  ERR_INVALID_CAR: 400,
  ERR_CID_MISMATCH: 400,
  ERR_UNSUPPORTED_HASH: 400,
  ERR_UNSUPPORTED_CODEC: 400,
  ERR_INVALID_RANGE: 416,
  ERR_NOT_A_FILE: 400,
  ERR_NOT_A_DIRECTORY: 400,
  ERR_INVALID_INPUT: 400,
  ERR_STORE_CLOSED: 503,
  ERR_STORAGE: 507,
  ERR_NO_SPACE: 507,
  ERR_QUOTA_EXCEEDED: 507,
  ERR_ABORTED: 499,
  ERR_TIMEOUT: 504,
  ERR_TOO_LARGE: 413,
  ERR_UNAUTHORIZED: 401,
  ERR_FORBIDDEN: 403,
  ERR_RATE_LIMITED: 429,
  ERR_CLUSTER_READ_ONLY: 403,
  ERR_CLUSTER_DISABLED: 503,
  ERR_INTERNAL: 500,
  ERR_INVALID_QUERY: 400,
  ERR_SNAPSHOT_MISMATCH: 409,
  ERR_NOT_SUPPORTED: 501,
  ERR_BACKEND_UNAVAILABLE: 503,
  ERR_RETAINED: 409,
  ERR_CONFLICT: 409,
  // the model and dataset registry (core/registry)
  ERR_VERSION_NOT_FOUND: 404,
  ERR_INVALID_REFERENCE: 400,
  ERR_LINEAGE_CYCLE: 409,
  ERR_HAS_DEPENDENTS: 409,
  ERR_INVALID_CARD: 400,
  ERR_INVALID_DATASET: 422,
  // encrypted content (core/crypto): a wrong key, a tampered or truncated ciphertext; not an age v1 file
  ERR_DECRYPT: 400,
  ERR_UNSUPPORTED_FORMAT: 415,
  // a Filecoin storage provider reported a piece CID other than the one computed locally from the same bytes
  ERR_PIECE_MISMATCH: 502,
  // automatic Filecoin spending (repairs, deposit top-ups) would pass the operator's budget cap
  ERR_BUDGET_EXCEEDED: 402,
  // seen by clients (the CLI): the relay cannot be reached, or ended a response early
  ERR_UNREACHABLE: 502,
  ERR_TRUNCATED: 502
} as const satisfies Record<string, number>

/** Every stable error code ipfs-kit uses. */
export type ErrorCode = keyof typeof ERROR_STATUS

/** The HTTP status for a code; unknown codes are internal errors. */
export function statusForCode (code: string): number {
  return (ERROR_STATUS as Record<string, number | undefined>)[code] ?? 500
}
