import { exporter } from 'ipfs-unixfs-exporter'
import { translateExporterError } from './exporter-errors.ts'
import { parseIpfsPath } from './cid.ts'
import type { UnixFSEntry, ReadableStorage } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '../abort.ts'

/** Resolve a CID or `<cid>/path` to its UnixFS (or raw/IPLD) entry, with our error codes. */
export async function resolveEntry (blockstore: ReadableStorage, target: CID | string, options: AbortOptions = {}): Promise<UnixFSEntry> {
  const { cid, path } = parseIpfsPath(target)
  const address = path === '' ? cid : `${cid.toString()}/${path}`
  try {
    return await exporter(address, blockstore, { signal: options.signal })
  } catch (err) {
    throw translateExporterError(err, `cannot resolve ${typeof address === 'string' ? address : address.toString()}`)
  }
}
