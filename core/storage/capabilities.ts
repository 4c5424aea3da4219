import { IpfsKitError } from '../errors/index.ts'
import { NotSupportedError } from './errors.ts'
import type { AbortOptions } from '../abort.ts'
import type { BackendCapabilities, BackendStatus } from './backend.ts'

/** Throw `ERR_NOT_SUPPORTED` when `capability` is false, so backends refuse operations the same way. */
export function requireCapability (backend: { name: string, capabilities: BackendCapabilities }, capability: keyof BackendCapabilities): void {
  if (!backend.capabilities[capability]) throw new NotSupportedError(`backend ${backend.name} does not support ${capability}`)
}

/**
 * Run a health probe and time it; a probe that throws becomes `healthy: false` with the error's code
 * (`ERR_BACKEND_UNAVAILABLE` for untyped errors), so `status()` never throws.
 *
 * @example
 * ```ts
 * status: async (options) => probeStatus(async () => { await client.send(new HeadBucketCommand(...)) }, options)
 * ```
 */
export async function probeStatus (probe: (options: AbortOptions) => Promise<BackendStatus['usage'] | undefined>, options: AbortOptions = {}): Promise<BackendStatus> {
  const started = Date.now()
  try {
    options.signal?.throwIfAborted()
    const usage = await probe(options)
    return { healthy: true, latencyMs: Date.now() - started, checkedAt: new Date().toISOString(), ...(usage === undefined ? {} : { usage }) }
  } catch (err) {
    const code = err instanceof IpfsKitError ? err.code : 'ERR_BACKEND_UNAVAILABLE'
    const message = err instanceof Error ? err.message : String(err)
    return { healthy: false, latencyMs: Date.now() - started, checkedAt: new Date().toISOString(), error: { code, message } }
  }
}
