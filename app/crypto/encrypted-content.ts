/**
 * @packageDocumentation
 *
 * End-to-end encrypted content in the browser (issue 21): add a file as an age v1 file to recipients (this browser's
 * own key by default), read one back decrypted with the local key or a share link's file key, and make share links
 * (`#/share/<cid>?key=<file key>`: the key lives in the URL fragment, which browsers never send to a server). The
 * payload cipher is `@noble/ciphers`' ChaCha20-Poly1305 (WebCrypto has none), the core's default.
 */
import { decrypt, encrypt, fileKeyIdentity, formatFileKey, isAgeFile, parseFileKey, unwrapFileKey } from '../../core/crypto/index.ts'
import { InvalidInputError } from '../../core/errors/index.ts'
import type { DecryptOptions } from '../../core/crypto/index.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { AddResult } from '../../core/content/types.ts'
import type { IpfsService } from '../../core/service/ipfs-service.ts'

/** The reads and writes these helpers need (the node's service, or a bare content store). */
export type ContentAccess = Pick<IpfsService, 'add' | 'cat'>

/** What to encrypt to: `true` is this browser's own key; `{ to }` adds other recipients (`age1…`) to it. */
export type EncryptChoice = boolean | { to: readonly string[], self?: boolean }

/** Options of {@link addEncrypted}. */
export interface AddEncryptedOptions extends AbortOptions {
  name?: string
  /** Plaintext bytes read so far. */
  onProgress?: (progress: { bytes: number }) => void
}

/** The recipients an {@link EncryptChoice} names, given this browser's own. */
export function recipientsOf (choice: EncryptChoice, self: string): string[] {
  if (choice === true) return [self]
  if (choice === false) return []
  const to = [...choice.to]
  if (choice.self !== false && !to.includes(self)) to.push(self)
  if (to.length === 0) throw new InvalidInputError('encrypt: no recipients')
  return to
}

async function * plaintextOf (data: Blob | Uint8Array, onBytes: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  if (data instanceof Uint8Array) {
    onBytes(data.byteLength)
    yield data
    return
  }
  let bytes = 0
  const reader = data.stream().getReader()
  try {
    for (;;) {
      const next = await reader.read()
      if (next.done) return
      bytes += next.value.byteLength
      onBytes(bytes)
      yield next.value
    }
  } finally {
    reader.releaseLock()
  }
}

/** Encrypt `data` to `recipients` (streaming, one 64 KiB chunk at a time) and add the age file; pinned as `name`. */
export async function addEncrypted (service: ContentAccess, data: Blob | Uint8Array, recipients: readonly string[], options: AddEncryptedOptions = {}): Promise<AddResult> {
  const ciphertext = encrypt(plaintextOf(data, bytes => options.onProgress?.({ bytes })), { recipients, signal: options.signal })
  return service.add(ciphertext, { name: options.name, signal: options.signal })
}

/** Whether the content at `cid` is an age file (reads its first bytes). */
export async function isEncrypted (service: ContentAccess, cid: string, options: AbortOptions = {}): Promise<boolean> {
  const head = await readAll(service.cat(cid, { length: 64, signal: options.signal }))
  return isAgeFile(head)
}

/**
 * Read `cid`, decrypting it with `keys` when it is an age file (and passing other content through unchanged). Every
 * chunk is authenticated before it is yielded; a wrong key or tampering raises `ERR_DECRYPT`.
 */
export async function * catDecrypted (service: ContentAccess, cid: string, keys: DecryptOptions): AsyncGenerator<Uint8Array> {
  const source = service.cat(cid, { signal: keys.signal })
  const first = await source.next()
  if (first.done === true) return
  async function * whole (): AsyncGenerator<Uint8Array> {
    yield first.value as Uint8Array
    yield * source
  }
  if (!isAgeFile(first.value)) {
    yield * whole()
    return
  }
  yield * decrypt(whole(), keys)
}

/** Concatenate a byte stream. */
export async function readAll (source: AsyncIterable<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Uint8Array[] = []
  let size = 0
  for await (const part of source) {
    parts.push(part)
    size += part.byteLength
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) { out.set(part, at); at += part.byteLength }
  return out
}

/** A parsed share link. */
export interface ShareLink { cid: string, fileKey: Uint8Array, name?: string }

/**
 * A share link for an encrypted file this browser can open: `<base>#/share/<cid>?key=<file key>[&name=…]`. Whoever has
 * the link can read the file (and anyone can fetch the ciphertext by CID); the key is in the fragment, which the
 * browser keeps to itself. Revoking means re-encrypting: the file key cannot be taken back.
 */
export async function shareLink (service: ContentAccess, cid: string, keys: DecryptOptions, base: string, name?: string): Promise<string> {
  const header = await readAll(service.cat(cid, { length: 64 * 1024, signal: keys.signal }))
  const fileKey = await unwrapFileKey(header, keys)
  const query = new URLSearchParams({ key: formatFileKey(fileKey) })
  if (name !== undefined && name !== '') query.set('name', name)
  return `${base.replace(/#.*$/, '')}#/share/${cid}?${query.toString()}`
}

/** The share link in a URL fragment (`#/share/<cid>?key=…`), or undefined when the fragment is not one. */
export function parseShareLink (hash: string): ShareLink | undefined {
  const match = /^#\/share\/([A-Za-z0-9]+)\?(.*)$/.exec(hash)
  if (match === null) return undefined
  const query = new URLSearchParams(match[2])
  const key = query.get('key')
  if (key === null) throw new InvalidInputError('the share link has no key')
  const name = query.get('name') ?? undefined
  return { cid: match[1] ?? '', fileKey: parseFileKey(key), ...(name === undefined ? {} : { name }) }
}

/** The keys `decrypt` takes for a share link. */
export function shareKeys (link: ShareLink, options: AbortOptions = {}): DecryptOptions {
  return { identities: [fileKeyIdentity(link.fileKey)], signal: options.signal }
}
