import { Command } from 'commander'
import { z } from 'zod'
import { replaceFileHead, rewrapHeader } from '../../../core/crypto/index.ts'
import { parseCid } from '../../../core/content/cid.ts'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { contextOf, printResult } from '../context.ts'
import { remoteCiphertext } from '../decrypting.ts'
import { collectRecipients, decryptOptionsOf } from '../encryption.ts'
import type { BlockAccess } from '../../../core/crypto/index.ts'
import type { ApiClient } from '../client.ts'

const blockAnswer = z.looseObject({ cid: z.string() })
/** Longest age header a share reads (a 1 KiB step per 9 recipients). */
const MAX_HEADER = 64 * 1024

/** The relay's block API as {@link BlockAccess}: the relay verifies every block it stores against the CID given. */
function relayBlocks (client: ApiClient): BlockAccess {
  return {
    get: async (cid, options) => new Uint8Array(await (await client.request(`/api/v1/blocks/${cid.toString()}`, { signal: options?.signal })).arrayBuffer()),
    put: async (cid, bytes, options) => {
      await client.json('/api/v1/blocks', blockAnswer, {
        method: 'POST',
        query: { cid: cid.toString() },
        body: { stream: (async function * () { yield bytes })(), contentType: 'application/octet-stream' },
        signal: options?.signal
      })
    }
  }
}

/**
 * `ipfs-kit share <cid> --to <pubkey>`: give people an encrypted file without re-uploading it. The file key is
 * unwrapped here with your key and wrapped for the recipients in a new age header of the same size; the new file is
 * that header + the same payload, so only the first leaf and the nodes above it are sent (block put), and pinned.
 * The new CID decrypts with the recipients' keys only. Revoking needs re-encrypting: docs/PRIVACY.md.
 */
export function shareCommand (): Command {
  return new Command('share')
    .description('make a copy of an encrypted file that the --to keys can read, sending only a new header block')
    .argument('<cid>', 'CID of a file added with --encrypt')
    .requiredOption('--to <pubkey>', 'public key (age1…) to share with; repeatable', collectRecipients)
    .option('--name <name>', 'name recorded on the new pin')
    .option('--passphrase', 'the file was encrypted with a passphrase ($IPFS_KIT_PASSPHRASE, or asked)', false)
    .action(async (input: string, flags: { to: string[], name?: string, passphrase: boolean }, command: Command) => {
      const context = contextOf(command)
      const file = await remoteCiphertext(context.client, input)
      const head = await file.read(0, Math.min(file.size, MAX_HEADER))
      const header = await rewrapHeader(head, await decryptOptionsOf(flags), flags.to)
      if (header.length > file.size) throw new InvalidInputError(`${input} is shorter than its header`)
      const shared = await replaceFileHead(parseCid(file.cid), header, relayBlocks(context.client))
      await context.client.json('/api/v1/pins', z.looseObject({}), { method: 'POST', body: { json: { cid: shared.toString(), name: flags.name } } })
      printResult(context, { cid: shared.toString(), from: file.cid, recipients: flags.to }, () => [shared.toString()])
    })
}
