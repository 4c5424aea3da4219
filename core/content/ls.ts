import { NotADirectoryError } from '../errors/index.ts'
import { translateExporterError } from './exporter-errors.ts'
import { resolveEntry } from './read.ts'
import type { EntryType, LsEntry } from './types.ts'
import type { AbortOptions } from '../abort.ts'
import type { ReadableStorage, UnixFSEntry } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/** Our name for the kind of an exporter entry. */
export function entryType (entry: UnixFSEntry): EntryType {
  switch (entry.type) {
    case 'file': return 'file'
    case 'directory': return 'directory'
    case 'raw': case 'identity': return 'raw'
    default: return 'object'
  }
}

/**
 * List a directory's children with their type and size (each child's root block is read to learn them).
 *
 * @example
 * ```ts
 * for await (const child of listDirectory(blocks, dirCid)) console.log(child.name, child.size)
 * ```
 */
export async function * listDirectory (blockstore: ReadableStorage, target: CID | string, options: AbortOptions = {}): AsyncGenerator<LsEntry> {
  const dir = await resolveEntry(blockstore, target, options)
  if (dir.type !== 'directory') throw new NotADirectoryError(`${String(target)} is a ${dir.type}, not a directory`)
  try {
    for await (const child of dir.entries({ signal: options.signal })) {
      const entry = await resolveEntry(blockstore, child.cid, options)
      const type = entryType(entry)
      yield {
        name: child.name,
        path: child.path,
        cid: child.cid,
        type,
        size: type === 'directory' ? 0 : Number(entry.size)
      }
    }
  } catch (err) {
    throw translateExporterError(err, `cannot list ${String(target)}`)
  }
}
