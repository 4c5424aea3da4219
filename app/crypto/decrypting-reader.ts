import { decrypt, isAgeFile } from '../../core/crypto/index.ts'
import { readAll } from './encrypted-content.ts'
import type { DecryptOptions } from '../../core/crypto/index.ts'
import type { CatOptions } from '../../core/content/types.ts'
import type { ContentReader } from '../../core/search/describe-content.ts'
import type { CID } from 'multiformats/cid'

/**
 * The reads the browser's search indexer makes, with this browser's own encrypted files decrypted: `cat` of an age
 * file yields its plaintext (up to `length` bytes) when `keys` open it, so the search worker indexes the words of
 * files this browser can read, in this browser only. A file it cannot open is read as it is (ciphertext), which the
 * indexer records as encrypted and skips, as the relay does.
 */
export function decryptingReader (service: ContentReader, keys: () => Promise<DecryptOptions | undefined>): ContentReader {
  async function * cat (target: CID | string, options: CatOptions = {}): AsyncGenerator<Uint8Array> {
    const head = await readAll(service.cat(target, { length: 64, signal: options.signal }))
    const decryptWith = isAgeFile(head) && (options.offset ?? 0) === 0 ? await keys() : undefined
    if (decryptWith === undefined) {
      yield * service.cat(target, options)
      return
    }
    let left = options.length ?? Number.POSITIVE_INFINITY
    try {
      for await (const plain of decrypt(service.cat(target, { signal: options.signal }), { ...decryptWith, signal: options.signal })) {
        const part = plain.subarray(0, Math.min(plain.length, left))
        left -= part.length
        yield part
        if (left <= 0) return
      }
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'ERR_DECRYPT') || left !== (options.length ?? Number.POSITIVE_INFINITY)) throw err
      yield * service.cat(target, options) // not ours: the ciphertext, which the indexer skips
    }
  }
  return {
    stat: async (...args) => service.stat(...args),
    ls: (...args) => service.ls(...args),
    pinLs: (...args) => service.pinLs(...args),
    cat
  }
}
