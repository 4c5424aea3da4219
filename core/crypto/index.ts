/**
 * @packageDocumentation
 *
 * End-to-end encryption of content, runtime-neutral (browser and Node): files become age v1 files
 * (https://age-encryption.org/v1, via `age-encryption`) before they are added, so every peer, relay, gateway and
 * backend holds only ciphertext, which is ordinary UnixFS content with its own CID. A per-file random key; X25519
 * recipients or a passphrase; streaming in bounded memory; ranged reads that open only the 64 KiB chunks needed; and
 * sharing by a new header for the same file key (docs/PRIVACY.md, docs/decisions/0016-age-for-encryption.md).
 *
 * @example
 * ```ts
 * const me = await generateKeyPair()
 * const ciphertext = encrypt(chunks, { recipients: [me.recipient] })
 * for await (const plain of decrypt(ciphertext, { identities: [me.identity] })) use(plain)
 * ```
 */
export { generateKeyPair, recipientOf, recipientBytes } from './keys.ts'
export type { KeyPair } from './keys.ts'
export { encrypt } from './encrypt.ts'
export type { EncryptOptions } from './encrypt.ts'
export { decrypt } from './decrypt.ts'
export type { DecryptOptions } from './decrypt.ts'
export { decryptRange, openPayload } from './range.ts'
export { nobleCipher, STREAM_CHUNK } from './payload.ts'
export type { PayloadCipher } from './payload.ts'
export type { RangeOptions, ReadCiphertext, OpenedPayload } from './range.ts'
export { rewrapHeader, unwrapFileKey } from './share.ts'
export { parseHeader, isAgeFile, AGE_VERSION_LINE } from './header.ts'
export type { ByteSource } from './streams.ts'
export { fileKeyIdentity, formatFileKey, parseFileKey } from './file-key.ts'
export { replaceFileHead } from './share-dag.ts'
export type { BlockAccess } from './share-dag.ts'
