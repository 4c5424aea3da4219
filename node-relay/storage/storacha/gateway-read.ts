/**
 * Read a DAG back from Storacha through IPFS trustless gateways (`GET <gateway>/ipfs/<cid>?format=car`), trying
 * them in order: a gateway that is unreachable, answers an error, or sends bytes that fail verification before the
 * first block is accepted is skipped for the next one. Every block is verified against its CID.
 */
import { NotFoundError } from '../../../core/errors/index.ts'
import { BackendUnavailableError, carToVerifiedBlocks } from '../../../core/storage/index.ts'
import type { AbortOptions } from '../../../core/abort.ts'
import type { VerifiedBlock } from '../../../core/storage/index.ts'
import type { CID } from 'multiformats/cid'

function isAbort (err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError'
}

/**
 * Stream the verified blocks of the DAG under `root` from the first gateway that serves it.
 *
 * @example
 * ```ts
 * for await (const block of readFromGateways(['https://storacha.link'], root, { signal }, fetch)) { ... }
 * ```
 */
export async function * readFromGateways (gateways: readonly string[], root: CID, options: AbortOptions, fetchImpl: typeof fetch): AsyncGenerator<VerifiedBlock> {
  const failures: unknown[] = []
  let missing = 0
  for (const gateway of gateways) {
    options.signal?.throwIfAborted()
    let body: ReadableStream<Uint8Array>
    try {
      const res = await fetchImpl(`${gateway.replace(/\/+$/, '')}/ipfs/${root.toString()}?format=car&dag-scope=all`, {
        headers: { Accept: 'application/vnd.ipld.car' },
        ...(options.signal !== undefined && { signal: options.signal })
      })
      if (res.status === 404 || res.status === 410) { missing++; await res.body?.cancel(); continue }
      if (!res.ok || res.body === null) { failures.push(new BackendUnavailableError(`gateway ${gateway}: HTTP ${res.status}`)); await res.body?.cancel(); continue }
      body = res.body
    } catch (err) {
      if (isAbort(err)) throw err
      failures.push(new BackendUnavailableError(`gateway ${gateway}: ${err instanceof Error ? err.message : String(err)}`, { cause: err }))
      continue
    }
    let yielded = 0
    try {
      for await (const block of carToVerifiedBlocks(root, body, options)) {
        yielded++
        yield block
      }
      return
    } catch (err) {
      if (yielded > 0 || isAbort(err)) throw err
      failures.push(err)
    }
  }
  const [first] = failures
  if (first instanceof Error) throw first
  if (missing > 0) throw new NotFoundError(`no gateway has ${root.toString()}`)
  throw new BackendUnavailableError('no gateway is configured')
}
