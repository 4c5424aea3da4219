import { PassThrough } from 'node:stream'
import { InvalidInputError } from '../../core/errors/index.ts'
import { NotSupportedError } from '../../core/storage/errors.ts'
import { UploadTree } from '../http/upload-tree.ts'
import { flagOf, numberOf, stringOf } from './args.ts'
import type { AddEntry, AddResult } from '../../core/content/types.ts'
import type { IpfsService } from '../../core/service/ipfs-service.ts'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'

/** One line of Kubo's add output. */
type AddLine = { Name: string, Hash: string, Size: string } | { Name: string, Bytes: number }

/** `--chunker size-N` (Kubo's syntax); rabin is not offered. */
function chunkerOf (value: string | undefined): { type: 'fixed', size: number } | undefined {
  if (value === undefined || value === '') return undefined
  const match = /^size-(\d+)$/.exec(value)
  if (match === null) throw new NotSupportedError(`chunker "${value}" is not supported: use size-<bytes>`)
  return { type: 'fixed', size: Number(match[1]) }
}

/** Count bytes of one file as the importer reads them, reporting to `report`. */
async function * counted (source: AsyncIterable<Uint8Array>, report: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  let bytes = 0
  for await (const chunk of source) {
    bytes += chunk.byteLength
    report(bytes)
    yield chunk
  }
}

/**
 * `POST /api/v0/add`, as Kubo: a multipart body whose parts are `file`/`dir` fields with URL-encoded paths as file
 * names (what kubo-rpc-client sends); NDJSON out, one `{Name, Hash, Size}` line per file and directory, roots last,
 * and `{Name, Bytes}` progress lines with `progress=true`. Kubo's defaults: CIDv0 (our `unixfs-v0-2015` profile),
 * no wrapping directory, pinned.
 */
export async function kuboAdd (service: IpfsService, request: FastifyRequest, reply: FastifyReply, signal: AbortSignal, maxUploadBytes: number): Promise<FastifyReply> {
  if (!request.isMultipart()) throw new InvalidInputError('add takes a multipart/form-data body (file parts)')
  if (flagOf(request, 'only-hash', false)) throw new NotSupportedError('only-hash is not supported by ipfs-kit: add stores what it hashes')
  const cidVersionText = stringOf(request, 'cid-version')
  const cidVersion = cidVersionText === undefined ? 0 : cidVersionText === '1' ? 1 : cidVersionText === '0' ? 0 : undefined
  if (cidVersion === undefined) throw new InvalidInputError(`cid-version must be 0 or 1, got "${cidVersionText ?? ''}"`)
  const rawLeaves = flagOf(request, 'raw-leaves', cidVersion === 1)
  const wrap = flagOf(request, 'wrap-with-directory', false)
  const pin = flagOf(request, 'pin', true)
  const progress = flagOf(request, 'progress', false)
  const chunker = chunkerOf(stringOf(request, 'chunker'))
  const hashFn = stringOf(request, 'hash')
  if (hashFn !== undefined && hashFn !== 'sha2-256') throw new NotSupportedError(`hash "${hashFn}" is not supported: only sha2-256`)
  numberOf(request, 'mtime') // accepted and ignored, as files' own mtimes are

  const out = new PassThrough()
  const write = (line: AddLine): void => { out.write(JSON.stringify(line) + '\n') }
  const tree = new UploadTree()
  const parts = request.parts({ limits: { fileSize: maxUploadBytes, files: 100_000 } })
  let unnamed = false
  const entries = async function * (): AsyncGenerator<AddEntry> {
    for await (const part of parts) {
      if (part.type !== 'file') continue
      const path = decodeURIComponent(part.filename)
      if (part.mimetype === 'application/x-directory') {
        part.file.resume()
        if (path !== '') yield { path: tree.add(path).replace(/\/$/, '') }
        continue
      }
      const name = path === '' ? (unnamed = true, 'file') : tree.add(path)
      const file = part.file as Readable & AsyncIterable<Uint8Array>
      // progress lines are small and never awaited: a client that reads its answer only at the end cannot stall the import
      const report = (bytes: number): void => { if (progress && out.writableLength < 65_536) write({ Name: path === '' ? '' : name, Bytes: bytes }) }
      yield { path: name, content: counted(file, report) }
    }
  }
  void reply.type('application/x-ndjson').header('x-chunked-output', '1').header('x-stream-output', '1')
  let results: AddResult[]
  try {
    results = await service.addAll(entries(), { pin, cidVersion, rawLeaves, chunker, wrapWithDirectory: wrap, fileImportConcurrency: 1, signal })
  } catch (err) {
    out.end()
    throw err
  }
  for (const result of results) {
    const name = unnamed && results.length === 1 ? result.cid.toString() : result.path === '' ? result.cid.toString() : result.path
    write({ Name: name, Hash: result.cid.toString(), Size: String(result.size) })
  }
  out.end()
  return reply.send(out)
}
