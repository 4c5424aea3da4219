import { basename, resolve } from 'node:path'
import { Command, Option } from 'commander'
import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { encrypt } from '../../../core/crypto/index.ts'
import { contextOf, printResult, warn } from '../context.ts'
import { collectRecipients, encryptOptionsOf } from '../encryption.ts'
import { collectUploadFiles } from '../local-files.ts'
import { createBoundary, multipartBody, readFileChunks } from '../multipart.ts'
import { nonNegativeInt } from '../options.ts'
import { ProgressBar, progressWanted } from '../progress.ts'
import type { ApiRequest, Query } from '../client.ts'
import type { EncryptOptions } from '../../../core/crypto/index.ts'
import type { CliContext } from '../context.ts'
import type { UploadSource } from '../local-files.ts'

/** Options of `ipfs-kit add`, as commander parses them (names follow Kubo's `ipfs add`). */
interface AddFlags {
  name?: string
  pin: boolean
  recursive: boolean
  wrapWithDirectory: boolean
  chunker?: string
  chunkSize?: number
  cidVersion?: '0' | '1'
  rawLeaves?: boolean
  quiet: boolean
  quieter: boolean
  encrypt: boolean
  to?: string[]
  passphrase: boolean
}

/** The relay's answer to `POST /api/v1/add`. */
export const addResultSchema = z.looseObject({
  cid: z.string(),
  size: z.number(),
  name: z.string().optional(),
  entries: z.array(z.looseObject({ cid: z.string(), path: z.string(), size: z.number() })).optional()
})

type AddAnswer = z.infer<typeof addResultSchema>

/** Kubo's `--chunker size-<bytes>` → a chunk size (rabin chunking is not offered over the CLI). */
export function chunkSizeOf (chunker: string): number {
  const match = /^size-(\d+)$/.exec(chunker)
  if (match === null) throw new InvalidInputError(`--chunker "${chunker}" is not supported: use size-<bytes>, e.g. size-262144`)
  return Number(match[1])
}

/** One request to the relay: a single file as itself, or a tree (or wrapped files) as multipart. */
interface Upload {
  source: UploadSource
  /** Name of the top-level entry (a file's or directory's base name). */
  label: string
  wrap: boolean
}

/** Lines Kubo prints for an add: `added <cid> <path>` for every entry, the root last. */
function addedLines (answer: AddAnswer, upload: Upload): Array<{ cid: string, path: string }> {
  if (answer.entries === undefined) return [{ cid: answer.cid, path: upload.label }]
  return answer.entries.map(entry => ({ cid: entry.cid, path: entry.path }))
}

async function send (context: CliContext, upload: Upload, query: Query, bar: ProgressBar | undefined, encryption?: EncryptOptions): Promise<AddAnswer> {
  const onBytes = (bytes: number): void => { bar?.add(bytes) }
  const single = upload.source.kind === 'file' && !upload.wrap ? upload.source.files[0] : undefined
  let body: ApiRequest['body']
  if (single !== undefined && encryption !== undefined) {
    // encrypted here, before a byte leaves: the relay stores and serves ciphertext, and learns no file name
    body = { stream: encrypt(readFileChunks(single.localPath, { onBytes }), encryption), contentType: 'application/octet-stream' }
    return await context.client.json('/api/v1/add', addResultSchema, { method: 'POST', query, body })
  }
  if (single !== undefined) {
    body = { stream: readFileChunks(single.localPath, { onBytes }), contentType: 'application/octet-stream' }
  } else {
    const boundary = createBoundary()
    body = { stream: multipartBody(upload.source.files, boundary, { onBytes }), contentType: `multipart/form-data; boundary=${boundary}` }
  }
  return await context.client.json('/api/v1/add', addResultSchema, {
    method: 'POST',
    query: { ...query, name: query.name ?? (single !== undefined ? upload.label : undefined), wrap: single === undefined ? upload.wrap : undefined },
    body
  })
}

/** `--encrypt`: what to encrypt to; files only, one at a time (a directory's names and shape would stay visible). */
async function encryptionFor (flags: AddFlags, uploads: Upload[]): Promise<EncryptOptions | undefined> {
  if (!flags.encrypt) {
    if (flags.to !== undefined || flags.passphrase) throw new InvalidInputError('--to and --passphrase need --encrypt')
    return undefined
  }
  if (uploads.some(upload => upload.wrap || upload.source.kind !== 'file')) {
    throw new InvalidInputError('--encrypt takes files, not directories or -w: archive a directory (tar) and add the archive')
  }
  return await encryptOptionsOf(flags)
}

/** Gather what to send: each path on its own, or all of them in one wrapping directory (`-w`). */
async function plan (paths: string[], flags: AddFlags): Promise<Upload[]> {
  const sources: Array<{ path: string, source: UploadSource }> = []
  for (const path of paths) {
    const source = await collectUploadFiles(path)
    if (source.kind === 'directory' && !flags.recursive) {
      throw new InvalidInputError(`${path} is a directory, use the '-r' flag to add it with everything in it`)
    }
    sources.push({ path, source })
  }
  if (!flags.wrapWithDirectory) return sources.map(({ path, source }) => ({ source, label: basename(resolve(path)), wrap: false }))
  const merged: UploadSource = { kind: 'directory', files: [], totalBytes: 0, skipped: [] }
  for (const { source } of sources) {
    merged.files.push(...source.files)
    merged.totalBytes += source.totalBytes
    merged.skipped.push(...source.skipped)
  }
  return [{ source: merged, label: '', wrap: true }]
}

/**
 * `ipfs-kit add <path...>`: stream files (and with `-r`, directories) to the relay, as Kubo's `ipfs add` does: a file
 * is added as itself and its own CID printed (`added <cid> <name>`), a directory needs `-r` and is added as itself,
 * `-w` wraps everything in one directory, `-q` prints only CIDs, `-Q` only the final one.
 */
export function addCommand (): Command {
  return new Command('add')
    .description('add files (and directories with -r) and print their CIDs, as `ipfs add` does')
    .argument('<path...>', 'files or directories to add')
    .option('-r, --recursive', 'add directories with everything in them', false)
    .option('-w, --wrap-with-directory', 'wrap the added files in one directory and print its CID last', false)
    .option('-q, --quiet', 'print only CIDs, no progress', false)
    .option('-Q, --quieter', 'print only the final CID, no progress', false)
    .option('--name <name>', 'name recorded on the pin (default: the file\'s name)')
    .option('--no-pin', 'do not pin what is added')
    .addOption(new Option('--cid-version <version>', 'CID version: 1 (default, unixfs-v1-2025) or 0 (Kubo\'s legacy CIDs)').choices(['0', '1']))
    .option('--raw-leaves', 'raw leaf blocks (the default with CIDv1; CIDv0 cannot have them)')
    .option('--no-raw-leaves', 'dag-pb leaf blocks, as Kubo makes with CIDv0')
    .option('--chunker <chunker>', 'chunking, e.g. size-262144 (default size-1048576, size-262144 with --cid-version 0)')
    .option('--chunk-size <bytes>', 'fixed chunk size in bytes (same as --chunker size-<bytes>)', nonNegativeInt)
    .option('--encrypt', 'encrypt each file end to end (age) before it is sent: to your identity (`ipfs-kit identity gen`) and every --to', false)
    .option('--to <pubkey>', 'with --encrypt: also encrypt to this public key (age1…); repeatable', collectRecipients)
    .option('--passphrase', 'with --encrypt: encrypt with a passphrase ($IPFS_KIT_PASSPHRASE, or asked) instead of keys', false)
    .action(async (paths: string[], flags: AddFlags, command: Command) => {
      const context = contextOf(command)
      const uploads = await plan(paths, flags)
      const encryption = await encryptionFor(flags, uploads)
      const quiet = flags.quiet || flags.quieter
      if (!context.json && !quiet) for (const upload of uploads) for (const skipped of upload.source.skipped) warn(`skipping ${skipped} (not a regular file or directory)`)
      const total = uploads.reduce((sum, upload) => sum + upload.source.totalBytes, 0)
      const bar = progressWanted({ isTTY: process.stderr.isTTY, json: context.json, quiet })
        ? new ProgressBar({ total, output: process.stderr })
        : undefined
      const chunkSize = flags.chunker !== undefined ? chunkSizeOf(flags.chunker) : flags.chunkSize
      const query: Query = {
        pin: flags.pin,
        name: flags.name,
        chunkSize,
        cidVersion: flags.cidVersion,
        rawLeaves: flags.rawLeaves
      }
      const answers: AddAnswer[] = []
      const lines: Array<{ cid: string, path: string }> = []
      try {
        for (const upload of uploads) {
          const answer = await send(context, upload, query, bar, encryption)
          answers.push(answer)
          lines.push(...addedLines(answer, upload))
        }
      } finally {
        bar?.finish()
      }
      const value = answers.length === 1 ? answers[0] : { results: answers }
      printResult(context, value, () => {
        if (flags.quieter) return [lines.at(-1)?.cid ?? '']
        if (flags.quiet) return lines.map(line => line.cid)
        return lines.map(line => line.path === '' ? `added ${line.cid}` : `added ${line.cid} ${line.path}`)
      })
    })
}
