/**
 * `encryptAtRest` on the relay: the relay-held age key (created on first use in the data dir, mode 0600) and the
 * wrapper that encrypts a backend's copies with it. See docs/PRIVACY.md ("Encryption at rest") for what it protects.
 */
import { randomBytes } from 'node:crypto'
import { chmod, link, mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { FsBlockstore } from '../blocks/fs-blockstore.ts'
import { generateKeyPair, recipientOf } from '../../core/crypto/index.ts'
import { InvalidInputError } from '../../core/errors/index.ts'
import { EncryptedBackend } from '../../core/storage/encrypted-backend.ts'
import { nativeCipher } from '../crypto/native-cipher.ts'
import type { AtRestKey, Scratch } from '../../core/storage/encrypted-backend.ts'
import type { StorageBackend } from '../../core/storage/index.ts'
import type { Datastore } from 'interface-datastore'

/** The at-rest key file, relative to the data dir. Back it up: copies encrypted to it are lost without it. */
export const AT_REST_KEY_FILE = 'at-rest-key.txt'
/** Where one put's ciphertext is assembled before upload (emptied at start). */
const SCRATCH_DIR = 'at-rest-scratch'

function isCode (err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === code
}

async function readKey (file: string): Promise<AtRestKey> {
  const text = await readFile(file, 'utf8')
  const identity = text.split('\n').map(l => l.trim()).find(l => l.startsWith('AGE-SECRET-KEY-1'))
  // the message names the file, never its content
  if (identity === undefined) throw new InvalidInputError(`${file} holds no age identity (AGE-SECRET-KEY-1…)`)
  return { identity, recipient: await recipientOf(identity) }
}

/**
 * The relay's at-rest key from `<dataDir>/at-rest-key.txt` (age's identity file format, so `age -d -i` opens a
 * copy by hand), created on first use with mode 0600. Two relays starting at once on one data dir agree: the file
 * is written under a temporary name and linked into place, and the loser reads the winner's key.
 */
export async function loadAtRestKey (dataDir: string): Promise<AtRestKey> {
  const file = join(dataDir, AT_REST_KEY_FILE)
  try {
    return await readKey(file)
  } catch (err) {
    if (!isCode(err, 'ENOENT')) throw err
  }
  await mkdir(dataDir, { recursive: true })
  const pair = await generateKeyPair()
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`
  const text = `# ipfs-kit relay at-rest key (encryptAtRest), created ${new Date().toISOString()}\n# public key: ${pair.recipient}\n${pair.identity}\n`
  await writeFile(temporary, text, { mode: 0o600, flag: 'wx' })
  await chmod(temporary, 0o600)
  try {
    await link(temporary, file)
  } catch (err) {
    if (!isCode(err, 'EEXIST')) throw err
  } finally {
    await unlink(temporary)
  }
  return readKey(file)
}

/** Scratch blockstores under `<dataDir>/at-rest-scratch/<random>`, each removed when its put ends. */
export async function scratchFactory (dataDir: string): Promise<() => Promise<Scratch>> {
  const base = join(dataDir, SCRATCH_DIR)
  // what a crash left behind is ciphertext nobody refers to
  await rm(base, { recursive: true, force: true })
  return async () => {
    const path = join(base, randomBytes(8).toString('hex'))
    const blockstore = new FsBlockstore({ path })
    await blockstore.open()
    return {
      blockstore,
      dispose: async () => {
        await blockstore.close()
        await rm(path, { recursive: true, force: true })
      }
    }
  }
}

/** Wrap `inner` so it holds only ciphertext, encrypted to the relay's at-rest key in `dataDir`. */
export async function encryptAtRest (inner: StorageBackend, init: { dataDir: string, datastore: Datastore }): Promise<EncryptedBackend> {
  return new EncryptedBackend({
    inner,
    key: await loadAtRestKey(init.dataDir),
    datastore: init.datastore,
    scratch: await scratchFactory(init.dataDir),
    cipher: nativeCipher
  })
}
