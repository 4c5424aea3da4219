import { createInterface } from 'node:readline/promises'
import { recipientBytes } from '../../core/crypto/index.ts'
import { InvalidInputError } from '../../core/errors/index.ts'
import { nativeCipher } from '../crypto/native-cipher.ts'
import { loadKeyPair, requireKeyPair } from './keyring.ts'
import type { DecryptOptions, EncryptOptions } from '../../core/crypto/index.ts'

/** Flags shared by the commands that encrypt (`add --encrypt`). */
export interface EncryptFlags {
  encrypt?: boolean
  to?: string[]
  passphrase?: boolean
}

/** `--to a,b --to c` → every recipient. */
export function collectRecipients (value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map(part => part.trim()).filter(part => part !== '')]
}

/**
 * The passphrase: `$IPFS_KIT_PASSPHRASE`, else asked on the terminal. Never a command-line argument (it would show in
 * `ps` and shell history).
 */
export async function readPassphrase (env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env.IPFS_KIT_PASSPHRASE
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (!process.stdin.isTTY) throw new InvalidInputError('--passphrase: set $IPFS_KIT_PASSPHRASE, or run on a terminal to be asked')
  const prompt = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
  try {
    const answer = await prompt.question('passphrase: ')
    if (answer === '') throw new InvalidInputError('the passphrase is empty')
    return answer
  } finally {
    prompt.close()
  }
}

/**
 * What `add --encrypt` encrypts to: `--passphrase`, or every `--to` recipient plus your own public key when you have
 * one (so you can read what you added). With neither `--to` nor a key, it asks you to make one.
 */
export async function encryptOptionsOf (flags: EncryptFlags): Promise<EncryptOptions> {
  const to = flags.to ?? []
  if (flags.passphrase === true) {
    if (to.length > 0) throw new InvalidInputError('--passphrase and --to cannot be combined (age\'s passphrase recipient must be alone)')
    return { passphrase: await readPassphrase(), cipher: nativeCipher }
  }
  for (const recipient of to) recipientBytes(recipient)
  const own = to.length === 0 ? await requireKeyPair() : await loadKeyPair()
  const recipients = own === undefined ? to : [own.recipient, ...to.filter(r => r !== own.recipient)]
  return { recipients, cipher: nativeCipher }
}

/** The keys `cat --decrypt` and `get --decrypt` try: your identity, and the passphrase when `--passphrase`. */
export async function decryptOptionsOf (flags: { passphrase?: boolean }): Promise<DecryptOptions> {
  if (flags.passphrase === true) return { passphrases: [await readPassphrase()], cipher: nativeCipher }
  return { identities: [(await requireKeyPair()).identity], cipher: nativeCipher }
}
