import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Command } from 'commander'
import { InvalidInputError, NotAFileError } from '../../../core/errors/index.ts'
import { contextOf, printResult, warn } from '../context.ts'
import { decryptedChunks, remoteCiphertext, saveDecrypted } from '../decrypting.ts'
import { saveBody } from '../download.ts'
import { decryptOptionsOf } from '../encryption.ts'
import { formatBytes, ProgressBar, progressWanted } from '../progress.ts'
import { parseTarget, targetName, targetUrl } from '../target.ts'
import { lsResultSchema } from './ls.ts'
import { statResultSchema } from './stat.ts'
import type { ApiClient } from '../client.ts'

/** What `get` wrote. */
interface GetTotals {
  files: number
  directories: number
  bytes: number
  skipped: string[]
  /** Counts bytes as they arrive (a progress bar on a terminal). */
  onBytes?: (bytes: number) => void
}

/** A directory entry name that is safe to create: no separators, no `.`/`..`, no NUL. */
function safeName (name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name)
}

async function saveFile (client: ApiClient, cid: string, out: string, totals: GetTotals): Promise<void> {
  const response = await client.request(`/api/v1/cat/${encodeURIComponent(cid)}`)
  totals.bytes += await saveBody(response, out, { onBytes: totals.onBytes })
  totals.files++
}

/** Recreate a directory: list it, then save each file and recurse into each subdirectory. */
async function saveDirectory (client: ApiClient, cid: string, out: string, totals: GetTotals): Promise<void> {
  await mkdir(out, { recursive: true })
  totals.directories++
  const { entries } = await client.json(`/api/v1/ls/${encodeURIComponent(cid)}`, lsResultSchema)
  for (const entry of entries) {
    if (!safeName(entry.name)) throw new InvalidInputError(`refusing to write the unsafe directory entry name "${entry.name}"`)
    const path = join(out, entry.name)
    if (entry.type === 'directory') await saveDirectory(client, entry.cid, path, totals)
    else if (entry.type === 'file' || entry.type === 'raw') await saveFile(client, entry.cid, path, totals)
    else totals.skipped.push(`${path} (${entry.type})`)
  }
}

/** `ipfs-kit get <cid[/path]> [-o out]`: save a file, or recreate a directory tree, on disk. */
export function getCommand (): Command {
  return new Command('get')
    .description('save a file or a whole directory tree to disk')
    .argument('<cid[/path]>', 'CID of a file or directory, optionally followed by a path')
    .option('-o, --output <path>', 'where to write (default: the last name of the target, in the current directory)')
    .option('--decrypt', 'decrypt an end-to-end encrypted file with your key (`ipfs-kit key`); it appears only once all of it authenticated', false)
    .option('--passphrase', 'with --decrypt: use a passphrase ($IPFS_KIT_PASSPHRASE, or asked) instead of your key', false)
    .action(async (input: string, flags: { output?: string, decrypt: boolean, passphrase: boolean }, command: Command) => {
      const context = contextOf(command)
      const target = parseTarget(input)
      const out = flags.output ?? targetName(target)
      if (flags.decrypt) {
        const file = await remoteCiphertext(context.client, input)
        const bytes = await saveDecrypted(await decryptedChunks(file, await decryptOptionsOf(flags)), out)
        printResult(context, { cid: file.cid, type: 'file', path: out, files: 1, directories: 0, bytes, skipped: [] }, () => [`saved ${file.cid} decrypted to ${out} (${formatBytes(bytes)})`])
        return
      }
      const stat = await context.client.json(targetUrl('/api/v1/stat', target), statResultSchema)
      const totals: GetTotals = { files: 0, directories: 0, bytes: 0, skipped: [] }
      let bar: ProgressBar | undefined
      if (progressWanted({ isTTY: process.stderr.isTTY, json: context.json, quiet: false })) {
        // a directory's total is its DAG's bytes (a little more than its files' bytes): close enough for a bar
        const total = stat.type === 'directory'
          ? (await context.client.json(targetUrl('/api/v1/stat', target), statResultSchema, { query: { dagSize: true } })).dagSize ?? 0
          : stat.size
        const drawing = new ProgressBar({ total, output: process.stderr })
        bar = drawing
        totals.onBytes = (bytes) => { drawing.add(bytes) }
      }
      try {
        if (stat.type === 'directory') await saveDirectory(context.client, stat.cid, out, totals)
        else if (stat.type === 'file' || stat.type === 'raw') await saveFile(context.client, stat.cid, out, totals)
        else throw new NotAFileError(`${input} is a ${stat.type}: only files and directories can be saved`)
      } finally {
        bar?.finish()
      }
      if (!context.json) for (const skipped of totals.skipped) warn(`skipped ${skipped}`)
      const { onBytes: _onBytes, ...counted } = totals
      printResult(context, { cid: stat.cid, type: stat.type, path: out, ...counted }, () => [
        `saved ${stat.cid} to ${out} (${totals.files} file${totals.files === 1 ? '' : 's'}, ${formatBytes(totals.bytes)})`
      ])
    })
}
