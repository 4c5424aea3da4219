import { pack } from 'it-tar'
import { NotAFileError } from '../../core/errors/index.ts'
import { linksOf } from '../../core/content/dag-walk.ts'
import type { IpfsService } from '../../core/service/ipfs-service.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { TarImportCandidate } from 'it-tar'
import type { CID } from 'multiformats/cid'

/** UnixFS types as Kubo's `ls` numbers them: 1 directory, 2 file. */
function kuboType (type: string): number {
  return type === 'directory' ? 1 : 2
}

/** `ls` as Kubo answers it: one object for the path with its links (none for a file). */
export async function kuboLs (service: IpfsService, target: string, options: AbortOptions): Promise<object> {
  const stat = await service.stat(target, options)
  const links: object[] = []
  if (stat.type === 'directory') {
    for await (const entry of service.ls(target, options)) {
      links.push({ Name: entry.name, Hash: entry.cid.toString(), Size: entry.size, Type: kuboType(entry.type), Target: '' })
    }
  }
  return { Objects: [{ Hash: target, Links: links }] }
}

/** A file or a directory tree as tar entries, named from `name` down (as `ipfs get`). */
async function * tarEntries (service: IpfsService, target: string, name: string, options: AbortOptions): AsyncGenerator<TarImportCandidate> {
  const stat = await service.stat(target, options)
  if (stat.type === 'directory') {
    yield { header: { name, type: 'directory', mode: 0o755, mtime: new Date(0) } }
    for await (const entry of service.ls(target, options)) yield * tarEntries(service, `${target}/${entry.name}`, `${name}/${entry.name}`, options)
    return
  }
  if (stat.type !== 'file' && stat.type !== 'raw') throw new NotAFileError(`${target} is a ${stat.type}: only UnixFS files and directories can be fetched as a tar`)
  yield { header: { name, type: 'file', size: stat.size, mode: 0o644, mtime: new Date(0) }, body: service.cat(target, options) }
}

/** `get`: the target as a tar stream whose top entry is named by the last segment of the path. */
export function kuboGet (service: IpfsService, target: string, options: AbortOptions): AsyncGenerator<Uint8Array> {
  const name = target.split('/').filter(s => s !== '').at(-1) ?? target
  return pack()(tarEntries(service, target, name, options))
}

/** `refs`: the links under a CID (`recursive` walks the whole DAG; `unique` lists each once), as NDJSON lines. */
export async function * kuboRefs (service: IpfsService, target: string, recursive: boolean, unique: boolean, options: AbortOptions): AsyncGenerator<string> {
  const { cid } = await service.stat(target, options)
  const seen = new Set<string>()
  const stack: CID[] = [cid]
  let depth = 0
  while (stack.length > 0) {
    const next: CID[] = []
    for (const parent of stack) {
      for (const link of linksOf(parent, await service.blockGet(parent, options))) {
        const key = link.toString()
        if (unique && seen.has(key)) continue
        seen.add(key)
        yield JSON.stringify({ Ref: key, Err: '' }) + '\n'
        next.push(link)
      }
    }
    depth++
    if (!recursive) break
    stack.splice(0, stack.length, ...next)
    if (depth > 10_000) break
  }
}
