/**
 * Page side of the Chromium encryption benchmark (issue 21): over ipfs-kit's content store on IndexedDB, as the
 * browser node stores files, plain `add` and `cat` against `encrypt + add` and `cat + decrypt` (age v1 to this
 * browser's non-extractable WebCrypto X25519 key, payload by `@noble/ciphers`), alternating within each round.
 */
import { IdbBlockstore } from '../../app/blocks/idb-blockstore.ts'
import { addEncrypted, catDecrypted } from '../../app/crypto/encrypted-content.ts'
import { BrowserKeyring } from '../../app/crypto/keyring.ts'
import { createContentStore } from '../../core/content/index.ts'
import { randomBytes } from './page-data.ts'

/** Row names, shared with the Node side. */
export const BROWSER_ENCRYPTION_ROWS = { add: 'Chromium plain add', encryptAdd: 'Chromium encrypt + add', cat: 'Chromium plain cat', catDecrypt: 'Chromium cat + decrypt' } as const

/** Milliseconds of each round per row (warm-up rounds dropped). */
export type EncryptionTimings = Record<string, number[]>

async function drain (source: AsyncIterable<Uint8Array>, expected: number): Promise<void> {
  let bytes = 0
  for await (const chunk of source) bytes += chunk.byteLength
  if (bytes !== expected) throw new Error(`read ${bytes} bytes, expected ${expected}`)
}

/** Run `warmup + runs` rounds of the four rows on `sizeMiB` of fresh random bytes each. */
export async function encryptionRounds (options: { sizeMiB: number, runs: number, warmup: number }): Promise<EncryptionTimings> {
  const name = `bench-encryption-${crypto.randomUUID()}`
  const store = new IdbBlockstore(`${name}-blocks`)
  await store.open()
  const keys = await BrowserKeyring.open(name)
  const content = createContentStore({ blockstore: store })
  const out: EncryptionTimings = {}
  const time = async (row: string, round: number, fn: () => Promise<unknown>): Promise<void> => {
    const start = performance.now()
    await fn()
    if (round >= options.warmup) (out[row] ??= []).push(performance.now() - start)
  }
  try {
    for (let round = 0; round < options.warmup + options.runs; round++) {
      const plain = randomBytes(options.sizeMiB)
      const secret = randomBytes(options.sizeMiB)
      const holder: { plainCid?: string, secretCid?: string } = {}
      await time(BROWSER_ENCRYPTION_ROWS.add, round, async () => { holder.plainCid = (await content.add(new Blob([plain]))).cid.toString() })
      await time(BROWSER_ENCRYPTION_ROWS.encryptAdd, round, async () => { holder.secretCid = (await addEncrypted(content, new Blob([secret]), [keys.recipient])).cid.toString() })
      await time(BROWSER_ENCRYPTION_ROWS.cat, round, async () => { await drain(content.cat(holder.plainCid ?? ''), plain.byteLength) })
      await time(BROWSER_ENCRYPTION_ROWS.catDecrypt, round, async () => { await drain(catDecrypted(content, holder.secretCid ?? '', { identities: keys.identities() }), secret.byteLength) })
    }
    return out
  } finally {
    keys.close()
    await store.destroy()
    indexedDB.deleteDatabase(`${name}-keys`)
  }
}

Object.assign(globalThis, { encryptionBench: { encryptionRounds } })
