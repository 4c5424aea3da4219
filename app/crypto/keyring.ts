/**
 * @packageDocumentation
 *
 * This browser's encryption keypair (an age X25519 identity, issue 21), kept in IndexedDB. The key used to decrypt is
 * a WebCrypto X25519 private `CryptoKey` imported **non-extractable** (`age-encryption` takes one as an identity: it
 * only calls `deriveBits`), so page script can use it but never read its bits back. A backup copy of the identity
 * text is kept sealed with AES-GCM under a second non-extractable key in the same database, and is opened only for
 * {@link BrowserKeyring.exportIdentity} (the PWA's backup button). docs/PRIVACY.md says what this does and does not
 * protect against.
 */
import { base64urlnopad, bech32 } from '@scure/base'
import { generateKeyPair, recipientBytes, recipientOf } from '../../core/crypto/index.ts'
import { openDatabase, requestResult, transactionDone } from '../blocks/idb-requests.ts'

const STORE = 'keys'
const RECORD = 'identity'

/** What is stored (one record): structured-clonable, `CryptoKey`s included. */
interface StoredKey {
  recipient: string
  /** X25519 private key, non-extractable, usage `deriveBits`. */
  privateKey: CryptoKey
  /** AES-GCM key, non-extractable, that seals `backup`. */
  backupKey: CryptoKey
  backupIv: Uint8Array<ArrayBuffer>
  /** The identity text (`AGE-SECRET-KEY-1…`) sealed with `backupKey`. */
  backup: ArrayBuffer
  createdAt: number
}

/** The 32 secret bytes of an `AGE-SECRET-KEY-1…` identity. */
function identityBytes (identity: string): Uint8Array {
  const decoded = bech32.decodeToBytes(identity.trim())
  return decoded.bytes
}

/** Import an identity's secret as a non-extractable WebCrypto X25519 key (JWK: WebCrypto has no raw private import). */
async function importPrivate (identity: string, recipient: string): Promise<CryptoKey> {
  const jwk: JsonWebKey = {
    kty: 'OKP',
    crv: 'X25519',
    d: base64urlnopad.encode(identityBytes(identity)),
    x: base64urlnopad.encode(recipientBytes(recipient))
  }
  return crypto.subtle.importKey('jwk', jwk, { name: 'X25519' }, false, ['deriveBits'])
}

async function seal (identity: string): Promise<Pick<StoredKey, 'backupKey' | 'backupIv' | 'backup'>> {
  const backupKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
  const backupIv = crypto.getRandomValues(new Uint8Array(12))
  const backup = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: backupIv }, backupKey, new TextEncoder().encode(identity))
  return { backupKey, backupIv, backup }
}

/**
 * The browser's keypair: created on first open, then read back from IndexedDB (the same after a reload).
 *
 * @example
 * ```ts
 * const keys = await BrowserKeyring.open('ipfs-kit')
 * keys.recipient // age1… (give it to people who encrypt to you)
 * decrypt(ciphertext, { identities: keys.identities() })
 * ```
 */
export class BrowserKeyring {
  private readonly db: IDBDatabase
  private stored: StoredKey

  private constructor (db: IDBDatabase, stored: StoredKey) {
    this.db = db
    this.stored = stored
  }

  /** Open the keyring of IndexedDB database `<name>-keys`, creating a keypair when it holds none. */
  static async open (name = 'ipfs-kit'): Promise<BrowserKeyring> {
    const db = await openDatabase(`${name}-keys`, [STORE])
    const tx = db.transaction(STORE, 'readonly')
    const found = await requestResult(tx.objectStore(STORE).get(RECORD)) as StoredKey | undefined
    if (found !== undefined) return new BrowserKeyring(db, found)
    const pair = await generateKeyPair()
    const keyring = new BrowserKeyring(db, await BrowserKeyring.stored(pair.identity, pair.recipient))
    await keyring.save()
    return keyring
  }

  private static async stored (identity: string, recipient: string): Promise<StoredKey> {
    return { recipient, privateKey: await importPrivate(identity, recipient), ...await seal(identity), createdAt: Date.now() }
  }

  private async save (): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite')
    tx.objectStore(STORE).put(this.stored, RECORD)
    await transactionDone(tx)
  }

  /** This browser's public key (`age1…`): what others encrypt to. */
  get recipient (): string {
    return this.stored.recipient
  }

  /** The keys `decrypt` takes: the non-extractable private `CryptoKey`. */
  identities (): CryptoKey[] {
    return [this.stored.privateKey]
  }

  /** The identity text (`AGE-SECRET-KEY-1…`) for a backup, opened from its sealed copy. Treat it as a password. */
  async exportIdentity (): Promise<string> {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: this.stored.backupIv }, this.stored.backupKey, this.stored.backup)
    return new TextDecoder().decode(plain)
  }

  /** Replace this browser's keypair with a backed-up identity; `ERR_INVALID_INPUT` when it is not one. */
  async importIdentity (identity: string): Promise<string> {
    const text = identity.trim().toUpperCase()
    const recipient = await recipientOf(text)
    this.stored = await BrowserKeyring.stored(text, recipient)
    await this.save()
    return recipient
  }

  /** Close the database connection. */
  close (): void {
    this.db.close()
  }
}
