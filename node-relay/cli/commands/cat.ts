import { Command } from 'commander'
import { contextOf, printResult } from '../context.ts'
import { decryptedChunks, remoteCiphertext, saveDecrypted, writeDecrypted } from '../decrypting.ts'
import { copyBody, saveBody } from '../download.ts'
import { decryptOptionsOf } from '../encryption.ts'
import { nonNegativeInt } from '../options.ts'
import { formatBytes } from '../progress.ts'
import { parseTarget, targetUrl } from '../target.ts'

interface CatFlags {
  offset?: number
  length?: number
  output?: string
  decrypt: boolean
  passphrase: boolean
}

function isBrokenPipe (err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'EPIPE'
}

/** Run `write`, ending quietly when the reader of stdout went away (`| head`). */
async function toStdout (write: () => Promise<void>): Promise<void> {
  const onError = (): void => { /* EPIPE is handled below, as a rejected write */ }
  process.stdout.on('error', onError)
  try {
    await write()
  } catch (err) {
    if (!isBrokenPipe(err)) throw err
  } finally {
    process.stdout.off('error', onError)
  }
}

/**
 * `ipfs-kit cat <cid[/path]> [--offset n] [--length n] [-o file] [--decrypt]`: a file's bytes (the `ipfs_cat`
 * operation), and with `--decrypt` its plaintext, decrypted here with your key (or `--passphrase`): the relay only
 * ever sends ciphertext. A range of an encrypted file reads only the chunks that hold it.
 */
export function catCommand (): Command {
  return new Command('cat')
    .description('print a file\'s bytes (with --decrypt, its plaintext, decrypted on this machine)')
    .argument('<cid>', 'CID of a file, or `<cid>/path/inside/a/directory`')
    .option('--offset <offset>', 'first byte to read (default 0; of the plaintext with --decrypt)', nonNegativeInt)
    .option('--length <length>', 'bytes to read (default: to the end of the file)', nonNegativeInt)
    .option('-o, --output <file>', 'write the bytes to this file instead of stdout')
    .option('--decrypt', 'decrypt an end-to-end encrypted file with your key (`ipfs-kit key`)', false)
    .option('--passphrase', 'with --decrypt: use a passphrase ($IPFS_KIT_PASSPHRASE, or asked) instead of your key', false)
    .action(async (input: string, flags: CatFlags, command: Command) => {
      const context = contextOf(command)
      if (flags.decrypt) {
        const file = await remoteCiphertext(context.client, input)
        const chunks = await decryptedChunks(file, await decryptOptionsOf(flags), flags)
        if (flags.output === undefined) {
          await toStdout(async () => { await writeDecrypted(chunks) })
          return
        }
        const bytes = await saveDecrypted(chunks, flags.output)
        printResult(context, { cid: file.cid, path: flags.output, bytes }, () => [`saved ${file.cid} decrypted to ${flags.output ?? ''} (${formatBytes(bytes)})`])
        return
      }
      const response = await context.client.request(targetUrl('/api/v1/cat', parseTarget(input)), { query: { offset: flags.offset, length: flags.length } })
      if (flags.output !== undefined) {
        const bytes = await saveBody(response, flags.output)
        printResult(context, { cid: input, path: flags.output, bytes }, () => [`saved ${input} to ${flags.output ?? ''} (${formatBytes(bytes)})`])
        return
      }
      await toStdout(async () => {
        try {
          await copyBody(response, process.stdout)
        } catch (err) {
          await response.body?.cancel().catch(() => undefined)
          throw err
        }
      })
    })
}
