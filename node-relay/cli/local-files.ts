import { opendir, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { InvalidInputError } from '../../core/errors/index.ts'
import type { AbortOptions } from '../../core/abort.ts'

/** One local file to upload. */
export interface UploadFile {
  /** Where it is on disk. */
  localPath: string
  /** Its path in the uploaded tree, `/`-separated, starting with the added file's or directory's name. */
  name: string
  size: number
}

/** What `add <path>` will send. */
export interface UploadSource {
  kind: 'file' | 'directory'
  files: UploadFile[]
  totalBytes: number
  /** Entries left out: symlinks, sockets, devices. */
  skipped: string[]
}

async function walk (dir: string, prefix: string, out: UploadSource, options: AbortOptions): Promise<void> {
  const entries = []
  for await (const entry of await opendir(dir)) entries.push(entry)
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  for (const entry of entries) {
    options.signal?.throwIfAborted()
    const localPath = join(dir, entry.name)
    const name = `${prefix}/${entry.name}`
    if (entry.isDirectory()) {
      await walk(localPath, name, out, options)
    } else if (entry.isFile()) {
      const { size } = await stat(localPath)
      out.files.push({ localPath, name, size })
      out.totalBytes += size
    } else {
      out.skipped.push(localPath)
    }
  }
}

/**
 * The files under `path`: the file itself, or every regular file below a directory (sorted, recursively), each
 * named by its path relative to the directory's parent, so `photos/2026/cat.jpg` keeps the `photos` level.
 */
export async function collectUploadFiles (path: string, options: AbortOptions = {}): Promise<UploadSource> {
  const info = await stat(path).catch((err: unknown) => {
    throw new InvalidInputError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  })
  const name = basename(resolve(path))
  if (name === '') throw new InvalidInputError(`cannot add ${path}: it has no name`)
  if (info.isFile()) return { kind: 'file', files: [{ localPath: path, name, size: info.size }], totalBytes: info.size, skipped: [] }
  if (!info.isDirectory()) throw new InvalidInputError(`${path} is neither a file nor a directory`)
  const out: UploadSource = { kind: 'directory', files: [], totalBytes: 0, skipped: [] }
  await walk(path, name, out, options)
  if (out.files.length === 0) throw new InvalidInputError(`${path} holds no files to add`)
  return out
}
