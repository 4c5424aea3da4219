/**
 * HTTP helpers of the fake Hugging Face Hub: JSON replies and errors the way the Hub sends them
 * (`{"error": ...}` + `X-Error-Code`), request bodies, and byte serving with `Range` and `ETag`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { HubFile } from './hf-hub-state.ts'

/** Reply with JSON. */
export function sendJson (res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body))
}

/** Reply with the Hub's error shape; `errorCode` goes to `X-Error-Code` (e.g. `EntryNotFound`). */
export function sendError (res: ServerResponse, status: number, message: string, errorCode?: string): void {
  if (errorCode !== undefined) res.setHeader('X-Error-Code', errorCode)
  res.setHeader('X-Error-Message', message)
  sendJson(res, status, { error: message })
}

/** The whole request body. */
export async function readBody (req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return new Uint8Array(Buffer.concat(chunks))
}

/** The request body parsed as JSON (`{}` when empty). */
export async function readJson (req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req)
  return body.byteLength === 0 ? {} : JSON.parse(new TextDecoder().decode(body)) as unknown
}

/** A file as `tree` and `paths-info` list it. */
export function treeEntry (file: HubFile): Record<string, unknown> {
  return { type: 'file', oid: file.oid, size: file.size, path: file.path, ...(file.lfs !== undefined && { lfs: file.lfs }) }
}

/** Parse `bytes=a-b`, `bytes=a-`, `bytes=-n`; undefined when absent, null when unsatisfiable. */
function parseRange (header: string | undefined, size: number): { start: number, end: number } | undefined | null {
  if (header === undefined) return undefined
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (match === null) return undefined
  const [, a = '', b = ''] = match
  if (a === '' && b === '') return null
  const start = a === '' ? Math.max(0, size - Number(b)) : Number(a)
  const end = a === '' || b === '' ? size - 1 : Math.min(Number(b), size - 1)
  return start > end || start >= size ? null : { start, end }
}

/** Serve bytes for GET/HEAD with `Accept-Ranges`, `ETag`, and 206/416 for ranges. */
export function serveBytes (req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, etag: string): void {
  const range = parseRange(req.headers.range, bytes.byteLength)
  const headers: Record<string, string> = { 'Accept-Ranges': 'bytes', ETag: etag, 'Content-Type': 'application/octet-stream' }
  if (range === null) {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${bytes.byteLength}` }).end()
    return
  }
  const body = range === undefined ? bytes : bytes.subarray(range.start, range.end + 1)
  if (range !== undefined) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${bytes.byteLength}`
  headers['Content-Length'] = String(body.byteLength)
  res.writeHead(range === undefined ? 200 : 206, headers)
  res.end(req.method === 'HEAD' ? undefined : body)
}
