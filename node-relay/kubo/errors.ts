import { toErrorResponse } from '../http/errors.ts'

/** Kubo's error body: `{ Message, Code, Type: "error" }` (Code 0 normal, 1 client, 2 implementation, 3 not found). */
export interface KuboError {
  Message: string
  Code: number
  Type: 'error'
}

/**
 * Any thrown value as Kubo answers it: our status table decides, then Kubo's codes: bad input 400 (Code 1), not found
 * 404 (Code 3), anything else 500 (Code 0). The message ends with our stable code so scripts can still tell.
 */
export function kuboFailure (err: unknown): { status: number, body: KuboError } {
  const { status, body } = toErrorResponse(err)
  const message = `${body.message} (${body.code})`
  if (status === 404) return { status: 404, body: { Message: message, Code: 3, Type: 'error' } }
  if (status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429) return { status: 400, body: { Message: message, Code: 1, Type: 'error' } }
  if (status === 501) return { status: 501, body: { Message: message, Code: 2, Type: 'error' } }
  return { status: status < 500 ? status : 500, body: { Message: message, Code: 0, Type: 'error' } }
}
