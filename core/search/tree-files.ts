import type { AbortOptions } from '../abort.ts'
import type { ContentReader } from './describe-content.ts'

/** A file found inside a directory tree: its CID and its path below the tree's root. */
export interface TreeFile {
  cid: string
  path: string
}

/** Metadata key naming the directory a file's search document was indexed under. */
export const PARENT_KEY = 'parent'

/** Most files of one added tree indexed as documents of their own. */
export const MAX_TREE_FILES = 1000

/**
 * The files under a directory, depth first in listing order, at most `limit` of them (reads are verified by the
 * service). Entries that are not files or directories (raw nodes, symlinks) are skipped.
 */
export async function * filesUnder (reader: Pick<ContentReader, 'ls'>, root: string, limit = MAX_TREE_FILES, options?: AbortOptions): AsyncGenerator<TreeFile> {
  let found = 0
  const pending: Array<{ cid: string, prefix: string }> = [{ cid: root, prefix: '' }]
  while (pending.length > 0 && found < limit) {
    const dir = pending.shift()
    if (dir === undefined) break
    const subdirs: Array<{ cid: string, prefix: string }> = []
    for await (const entry of reader.ls(dir.cid, { signal: options?.signal })) {
      const path = `${dir.prefix}${entry.name}`
      if (entry.type === 'directory') subdirs.push({ cid: entry.cid.toString(), prefix: `${path}/` })
      else if (entry.type === 'file' || entry.type === 'raw') {
        yield { cid: entry.cid.toString(), path }
        if (++found >= limit) return
      }
    }
    pending.unshift(...subdirs)
  }
}
