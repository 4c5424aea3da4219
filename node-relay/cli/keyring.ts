import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { generateKeyPair, recipientOf } from '../../core/crypto/index.ts'
import { InvalidInputError, NotFoundError } from '../../core/errors/index.ts'
import type { KeyPair } from '../../core/crypto/index.ts'

/**
 * The CLI user's encryption keypair, kept on this machine only: `$IPFS_KIT_CONFIG_DIR`, else
 * `$XDG_CONFIG_HOME/ipfs-kit`, else `~/.config/ipfs-kit`, in `identity.age-key` (mode 0600). The file is an age
 * identity file (`age -d -i <file>` reads it). Nothing here is ever sent to the relay.
 */
export function configDir (env: NodeJS.ProcessEnv = process.env): string {
  if (env.IPFS_KIT_CONFIG_DIR !== undefined && env.IPFS_KIT_CONFIG_DIR !== '') return env.IPFS_KIT_CONFIG_DIR
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config')
  return join(base, 'ipfs-kit')
}

/** Path of the identity file. */
export function identityPath (env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'identity.age-key')
}

/** The identity file's text, in age-keygen's layout. */
function identityFile (pair: KeyPair): string {
  return `# created: ${new Date().toISOString()}\n# public key: ${pair.recipient}\n${pair.identity}\n`
}

/** The `AGE-SECRET-KEY-1…` line of an identity file's text (comments and blank lines skipped). */
export async function parseIdentityText (text: string): Promise<KeyPair> {
  const keys = text.split('\n').map(line => line.trim()).filter(line => line !== '' && !line.startsWith('#'))
  if (keys.length !== 1) throw new InvalidInputError(`expected one AGE-SECRET-KEY-1… line, found ${keys.length}`)
  const identity = keys[0] ?? ''
  return { identity, recipient: await recipientOf(identity) }
}

/** Write the keypair (0600, through a temporary file and a rename: never half-written). */
export async function saveKeyPair (pair: KeyPair, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = identityPath(env)
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const partial = `${path}.partial`
  await writeFile(partial, identityFile(pair), { mode: 0o600 })
  await chmod(partial, 0o600)
  await rename(partial, path)
  return path
}

/** The stored keypair, or `undefined` when none was made or imported. */
export async function loadKeyPair (env: NodeJS.ProcessEnv = process.env): Promise<KeyPair | undefined> {
  let text: string
  try {
    text = await readFile(identityPath(env), 'utf8')
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined
    throw err
  }
  return await parseIdentityText(text)
}

/** The stored keypair; `ERR_NOT_FOUND` with what to run when there is none. */
export async function requireKeyPair (env: NodeJS.ProcessEnv = process.env): Promise<KeyPair> {
  const pair = await loadKeyPair(env)
  if (pair === undefined) throw new NotFoundError(`no encryption key in ${configDir(env)}: run \`ipfs-kit identity gen\` or \`ipfs-kit identity import <file>\``)
  return pair
}

/** A new keypair, saved; refuses to replace one unless `force` (a lost identity makes its files unreadable). */
export async function generateAndSave (force: boolean, env: NodeJS.ProcessEnv = process.env): Promise<{ pair: KeyPair, path: string }> {
  if (!force && await loadKeyPair(env) !== undefined) {
    throw new InvalidInputError(`an encryption key already exists in ${configDir(env)}: export it first, then use --force to replace it`)
  }
  const pair = await generateKeyPair()
  return { pair, path: await saveKeyPair(pair, env) }
}
