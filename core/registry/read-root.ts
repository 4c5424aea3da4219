import { parseCardFrontMatter } from './card.ts'
import { collectBlock } from '../blocks/bytes.ts'
import { datasetFormatOf, readDatasetFile, splitOf } from './dataset-files.ts'
import type { DatasetFile } from './types.ts'
import type { RangedFile } from './dataset-files.ts'
import type { IpfsService } from '../service/ipfs-service.ts'

/** What the registry reads of the content under a version's root. */
export type ContentReader = Pick<IpfsService, 'ls' | 'stat' | 'cat'>

/** A file under a root: its path inside the root, CID and size. */
export interface RootFile { path: string, cid: string, size: number }

/** Facts about a version's root: its files, their total size, and the model card's front matter. */
export interface RootFacts {
  files: RootFile[]
  size: number
  card?: Record<string, unknown>
}

const MAX_CARD_BYTES = 1 << 20

/** Every file under `root` (a directory, walked depth first; a file root is one file named by its CID). */
export async function listFiles (content: ContentReader, root: string, options: { signal?: AbortSignal } = {}): Promise<RootFile[]> {
  const stat = await content.stat(root, options)
  if (stat.type !== 'directory') return [{ path: root, cid: stat.cid.toString(), size: stat.size }]
  const out: RootFile[] = []
  const walk = async (cid: string, prefix: string): Promise<void> => {
    for await (const entry of content.ls(cid, options)) {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`
      if (entry.type === 'directory') await walk(entry.cid.toString(), path)
      else out.push({ path, cid: entry.cid.toString(), size: entry.size })
    }
  }
  await walk(root, '')
  return out.sort((a, b) => a.path.localeCompare(b.path))
}

/** Read a version's root: its files and size, and the front matter of its README.md (`ERR_INVALID_CARD` when broken). */
export async function readRoot (content: ContentReader, root: string, options: { signal?: AbortSignal } = {}): Promise<RootFacts> {
  const files = await listFiles(content, root, options)
  const readme = files.find(f => f.path.toLowerCase() === 'readme.md')
  const card = readme === undefined || readme.size > MAX_CARD_BYTES
    ? undefined
    : parseCardFrontMatter(new TextDecoder().decode(await collectBlock(content.cat(readme.cid, options))))
  return { files, size: files.reduce((sum, f) => sum + f.size, 0), ...(card === undefined ? {} : { card }) }
}

/** A file of the content store read by byte range. */
export function rangedFile (content: ContentReader, file: RootFile, options: { signal?: AbortSignal } = {}): RangedFile {
  return { path: file.path, size: file.size, read: async (offset, length) => collectBlock(content.cat(file.cid, { ...options, offset, length })) }
}

/**
 * The dataset files under a root (Parquet, CSV, JSONL) with their splits, rows and schema, and rows and file counts per
 * split. `splits` maps a split to path prefixes, overriding the naming conventions of {@link splitOf}.
 */
export async function readDataset (content: ContentReader, files: readonly RootFile[], splits: Record<string, string[]> = {}, options: { signal?: AbortSignal } = {}): Promise<{ files: DatasetFile[], splits: Record<string, { rows: number, files: number }> }> {
  const out: DatasetFile[] = []
  for (const file of files) {
    const format = datasetFormatOf(file.path)
    if (format === undefined) continue
    options.signal?.throwIfAborted()
    const declared = Object.entries(splits).find(([, prefixes]) => prefixes.some(p => file.path === p || file.path.startsWith(p.endsWith('/') ? p : `${p}/`)))?.[0]
    const facts = await readDatasetFile(rangedFile(content, file, options), format)
    out.push({ ...file, format, split: declared ?? splitOf(file.path), ...facts })
  }
  const perSplit: Record<string, { rows: number, files: number }> = {}
  for (const file of out) {
    const split = perSplit[file.split] ?? { rows: 0, files: 0 }
    perSplit[file.split] = { rows: split.rows + file.rows, files: split.files + 1 }
  }
  return { files: out, splits: perSplit }
}
