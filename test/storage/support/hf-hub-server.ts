/**
 * A contract-faithful fake of the Hugging Face Hub's HTTP API, written from the routes @huggingface/hub 2.x calls
 * (read in node_modules/@huggingface/hub/src/lib) and the Hub's documented behaviour: preupload → LFS batch →
 * upload (basic PUT or HF's multipart with `chunk_size` + completion URL) → NDJSON commit; `revision/<rev>` (the commit a revision names); `resolve` with Range
 * and ETag, LFS files redirected (302) to a "CDN" URL with `X-Linked-Size`/`X-Linked-Etag`; `tree` paginated by
 * `Link: rel="next"`; `paths-info`; branches; `X-Error-Code` (`RepoNotFound`, `RevisionNotFound`,
 * `EntryNotFound`) on 404s; 401 for a missing/invalid token, 403 for a read-only token writing.
 * Test hooks (not HTTP): `corrupt(...)`, `requests` (a log of "METHOD path" lines).
 */
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HubState, sha256Hex } from './hf-hub-state.ts'
import type { HubRepo, HubRepoType, HubFile } from './hf-hub-state.ts'
import { serveBytes, sendJson, sendError, readBody, readJson, treeEntry } from './hf-hub-http.ts'

/** Options of the fake Hub. */
export interface FakeHubOptions {
  /** Accepted tokens and their role. Default: none (every token is invalid). */
  tokens?: Record<string, 'read' | 'write'>
  /** Files at least this big go to LFS even when they are text (the real Hub: 10 MB). */
  lfsThreshold?: number
  /** LFS objects at least this big are uploaded with HF's multipart transfer, in parts of this size. */
  multipartChunkSize?: number
  /** Entries per `tree` page (the real Hub: 1000). */
  treePageSize?: number
}

/** A running fake Hub. */
export interface FakeHub {
  /** Base URL to pass as `hubUrl`. */
  url: string
  state: HubState
  /** "METHOD /path" of every request, in order. */
  requests: string[]
  /** Create a repo directly (as if made on the website). */
  createRepo: (type: HubRepoType, name: string, isPrivate?: boolean) => HubRepo
  /** Flip one byte of the stored bytes of `path` at the head of `branch` (LFS object or git blob). */
  corrupt: (type: HubRepoType, name: string, path: string, branch?: string) => void
  stop: () => Promise<void>
}

const TYPES: Record<string, HubRepoType> = { models: 'model', datasets: 'dataset', spaces: 'space' }

/** Start a fake Hub on a free loopback port. */
export async function startFakeHub (options: FakeHubOptions = {}): Promise<FakeHub> {
  const state = new HubState()
  const requests: string[] = []
  const pendingParts = new Map<string, Map<number, Uint8Array>>()
  const tokens = options.tokens ?? {}
  const lfsThreshold = options.lfsThreshold ?? 10 * 1024 * 1024
  const chunkSize = options.multipartChunkSize ?? 64 * 1024 * 1024
  const pageSize = options.treePageSize ?? 1000
  let base = ''

  /** 'anonymous' | role, or undefined for an invalid token. */
  const roleOf = (req: IncomingMessage): 'anonymous' | 'read' | 'write' | undefined => {
    const auth = req.headers.authorization
    if (auth === undefined) return 'anonymous'
    const token = auth.replace(/^Bearer /, '')
    return tokens[token]
  }

  /** Check access to a repo; sends the error and returns undefined when refused. */
  const access = (req: IncomingMessage, res: ServerResponse, type: HubRepoType, name: string, write: boolean): HubRepo | undefined => {
    const role = roleOf(req)
    if (role === undefined) { sendError(res, 401, 'Invalid credentials in Authorization header'); return undefined }
    const repo = state.repos.get(HubState.key(type, name))
    if (repo === undefined || (repo.private && role === 'anonymous')) {
      sendError(res, role === 'anonymous' ? 401 : 404, 'Repository Not Found', 'RepoNotFound')
      return undefined
    }
    if (write && role !== 'write') { sendError(res, role === 'anonymous' ? 401 : 403, 'You do not have write access'); return undefined }
    return repo
  }

  const handleApi = async (req: IncomingMessage, res: ServerResponse, parts: string[], url: URL): Promise<void> => {
    if (parts[0] === 'repos' && parts[1] === 'create' && req.method === 'POST') {
      const role = roleOf(req)
      if (role !== 'write') { sendError(res, role === 'read' ? 403 : 401, 'You need a write token'); return }
      const body = await readJson(req) as { name: string, organization?: string, type?: HubRepoType, visibility?: string }
      const name = `${body.organization ?? 'user'}/${body.name}`
      const type = body.type ?? 'model'
      if (state.repos.has(HubState.key(type, name))) { sendError(res, 409, 'You already created this repo'); return }
      state.createRepo(type, name, body.visibility === 'private')
      sendJson(res, 200, { url: `${base}/${type === 'model' ? '' : `${type}s/`}${name}`, name, id: name })
      return
    }
    if (parts[0] === 'whoami-v2') {
      const role = roleOf(req)
      if (role === undefined || role === 'anonymous') { sendError(res, 401, 'Invalid credentials in Authorization header'); return }
      sendJson(res, 200, { type: 'user', name: 'user', auth: { type: 'access_token', accessToken: { role } } })
      return
    }
    const type = TYPES[parts[0] ?? '']
    const name = `${parts[1] ?? ''}/${parts[2] ?? ''}`
    const action = parts[3]
    const rev = decodeURIComponent(parts[4] ?? 'main')
    if (type === undefined) { sendError(res, 404, 'Not Found'); return }
    const write = action === 'preupload' || action === 'commit' || action === 'branch'
    const repo = access(req, res, type, name, write)
    if (repo === undefined) return
    if (action === undefined) {
      const head = state.resolve(repo, 'main')
      sendJson(res, 200, { id: name, private: repo.private, sha: head?.oid, siblings: [...(head?.files.keys() ?? [])].map(rfilename => ({ rfilename })) })
      return
    }
    if (action === 'branch' && req.method === 'POST') {
      const body = await readJson(req) as { startingPoint?: string, overwrite?: boolean }
      const from = state.resolve(repo, body.startingPoint ?? 'main')
      if (from === undefined) { sendError(res, 404, 'Revision Not Found', 'RevisionNotFound'); return }
      if (repo.branches.has(rev) && body.overwrite !== true) { sendError(res, 409, 'Branch already exists'); return }
      repo.branches.set(rev, from.oid)
      sendJson(res, 200, {})
      return
    }
    const commit = state.resolve(repo, rev)
    if (commit === undefined || (write && !repo.branches.has(rev))) { sendError(res, 404, `Invalid rev id: ${rev}`, 'RevisionNotFound'); return }
    if (action === 'revision') {
      // GET /api/<type>s/<repo>/revision/<rev>: the repo's info at a revision, `sha` being the commit it names
      sendJson(res, 200, { _id: name, id: name, private: repo.private, sha: commit.oid, lastModified: commit.date, siblings: [...commit.files.keys()].map(rfilename => ({ rfilename })) })
      return
    }
    if (action === 'preupload') {
      const body = await readJson(req) as { files: { path: string, size: number, sample: string }[] }
      const files = body.files.map(f => {
        const binary = Buffer.from(f.sample, 'base64').includes(0)
        const existing = commit.files.get(f.path)
        return { path: f.path, uploadMode: binary || f.size >= lfsThreshold ? 'lfs' : 'regular', shouldIgnore: false, ...(existing !== undefined && { oid: existing.oid }) }
      })
      sendJson(res, 200, { files, commitOid: commit.oid })
      return
    }
    if (action === 'commit') { await handleCommit(req, res, repo, rev, commit.oid); return }
    if (action === 'paths-info') {
      const body = await readJson(req) as { paths: string[] }
      const out = body.paths.flatMap(p => {
        const file = commit.files.get(p)
        if (file !== undefined) return [treeEntry(file)]
        const isDir = [...commit.files.keys()].some(k => k.startsWith(`${p}/`))
        return isDir ? [{ type: 'directory', oid: '0'.repeat(40), size: 0, path: p }] : []
      })
      sendJson(res, 200, out)
      return
    }
    if (action === 'tree') { handleTree(res, parts, url, commit.files, rev); return }
    sendError(res, 404, 'Not Found')
  }

  const handleCommit = async (req: IncomingMessage, res: ServerResponse, repo: HubRepo, branch: string, headOid: string): Promise<void> => {
    const lines = new TextDecoder().decode(await readBody(req)).split('\n').filter(l => l.trim() !== '')
    const put: HubFile[] = []
    const remove: string[] = []
    let title = 'commit'
    const head = repo.commits.get(headOid)
    for (const line of lines) {
      const { key, value } = JSON.parse(line) as { key: string, value: Record<string, string | number | undefined> }
      const path = String(value.path ?? '')
      if (key === 'header') {
        title = String(value.summary ?? title)
        if (typeof value.parentCommit === 'string' && value.parentCommit !== headOid) { sendError(res, 412, 'A commit has happened since. Please refresh and try again.'); return }
      } else if (key === 'file') {
        const content = Buffer.from(String(value.content ?? ''), value.encoding === 'base64' ? 'base64' : 'utf8')
        if (content.includes(0)) { sendError(res, 400, 'Your push was rejected because it contains binary files. Please use git-lfs.'); return }
        put.push(HubState.regularFile(path, new Uint8Array(content)))
      } else if (key === 'lfsFile') {
        const oid = String(value.oid)
        const stored = state.lfs.get(oid)
        if (stored === undefined || stored.byteLength !== Number(value.size)) { sendError(res, 422, `LFS object ${oid} not found or wrong size`); return }
        put.push(HubState.lfsFile(path, oid, stored.byteLength))
      } else if (key === 'deletedFile' || key === 'deletedFolder') {
        const exists = head?.files.has(path) === true || [...(head?.files.keys() ?? [])].some(k => k.startsWith(`${path}/`))
        if (!exists) { sendError(res, 404, `File not found: ${path}`, 'EntryNotFound'); return }
        remove.push(path)
      }
    }
    const commit = state.commit(repo, branch, title, { put, remove })
    sendJson(res, 200, { success: true, commitOid: commit.oid, commitUrl: `${base}/${repo.name}/commit/${commit.oid}`, hookOutput: '' })
  }

  const handleTree = (res: ServerResponse, parts: string[], url: URL, files: Map<string, HubFile>, rev: string): void => {
    const dir = parts.slice(5).map(decodeURIComponent).join('/')
    const recursive = url.searchParams.get('recursive') === 'true'
    const prefix = dir === '' ? '' : `${dir}/`
    const entries: unknown[] = []
    const dirs = new Set<string>()
    for (const file of [...files.values()].sort((a, b) => a.path.localeCompare(b.path))) {
      if (!file.path.startsWith(prefix)) continue
      const rest = file.path.slice(prefix.length)
      const slash = rest.indexOf('/')
      if (slash !== -1) {
        const sub = prefix + rest.slice(0, slash)
        if (!dirs.has(sub)) { dirs.add(sub); entries.push({ type: 'directory', oid: '0'.repeat(40), size: 0, path: sub }) }
        if (!recursive) continue
      }
      entries.push(treeEntry(file))
    }
    if (dir !== '' && entries.length === 0) { sendError(res, 404, `${dir} does not exist on "${rev}"`, 'EntryNotFound'); return }
    const cursor = Number(url.searchParams.get('cursor') ?? '0')
    const page = entries.slice(cursor, cursor + pageSize)
    if (cursor + pageSize < entries.length) {
      const next = new URL(url.toString(), base)
      next.searchParams.set('cursor', String(cursor + pageSize))
      res.setHeader('Link', `<${next.toString()}>; rel="next"`)
    }
    sendJson(res, 200, page)
  }

  const handleLfs = async (req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> => {
    const oid = parts[1] ?? ''
    if (parts[0] === 'lfs-cdn') {
      const bytes = state.lfs.get(oid)
      if (bytes === undefined) { sendError(res, 404, 'NoSuchKey'); return }
      serveBytes(req, res, bytes, `"${oid}"`)
      return
    }
    if (req.method === 'PUT' && parts[2] === 'part') {
      const part = await readBody(req)
      const map = pendingParts.get(oid) ?? new Map<number, Uint8Array>()
      map.set(Number(parts[3]), part)
      pendingParts.set(oid, map)
      res.writeHead(200, { ETag: `"${sha256Hex(part).slice(0, 32)}"` }).end()
      return
    }
    let bytes: Uint8Array
    if (req.method === 'POST' && parts[2] === 'complete') {
      const body = await readJson(req) as { oid: string, parts: { partNumber: number, etag: string }[] }
      const map = pendingParts.get(oid)
      const chunks = body.parts.map(p => map?.get(p.partNumber))
      if (chunks.some(c => c === undefined) || body.parts.some(p => p.etag !== `"${sha256Hex(map?.get(p.partNumber) ?? new Uint8Array()).slice(0, 32)}"`)) { sendError(res, 400, 'Invalid part list'); return }
      bytes = new Uint8Array(Buffer.concat(chunks.filter(c => c !== undefined)))
      pendingParts.delete(oid)
    } else if (req.method === 'PUT') {
      bytes = await readBody(req)
    } else { sendError(res, 405, 'Method not allowed'); return }
    if (sha256Hex(bytes) !== oid) { sendError(res, 400, 'Uploaded content does not match its oid'); return }
    state.lfs.set(oid, bytes)
    res.writeHead(200).end()
  }

  const handleBatch = async (req: IncomingMessage, res: ServerResponse, type: HubRepoType, name: string): Promise<void> => {
    const repo = access(req, res, type, name, true)
    if (repo === undefined) return
    const body = await readJson(req) as { operation: string, objects: { oid: string, size: number }[] }
    const objects = body.objects.map(({ oid, size }) => {
      if (state.lfs.get(oid)?.byteLength === size) return { oid, size, authenticated: true }
      if (size < chunkSize) return { oid, size, authenticated: true, actions: { upload: { href: `${base}/lfs-upload/${oid}`, expires_in: 3600 } } }
      const header: Record<string, string> = { chunk_size: String(chunkSize) }
      for (let i = 1; i <= Math.ceil(size / chunkSize); i++) header[String(i).padStart(5, '0')] = `${base}/lfs-upload/${oid}/part/${i}`
      return { oid, size, authenticated: true, actions: { upload: { href: `${base}/lfs-upload/${oid}/complete`, header } } }
    })
    res.setHeader('Content-Type', 'application/vnd.git-lfs+json')
    res.writeHead(200).end(JSON.stringify({ transfer: 'basic', objects }))
  }

  const handleResolve = (req: IncomingMessage, res: ServerResponse, type: HubRepoType, rest: string[]): void => {
    const name = `${rest[0] ?? ''}/${rest[1] ?? ''}`
    const repo = access(req, res, type, name, false)
    if (repo === undefined) return
    const rev = decodeURIComponent(rest[3] ?? 'main')
    const path = rest.slice(4).map(decodeURIComponent).join('/')
    const commit = state.resolve(repo, rev)
    if (commit === undefined) { sendError(res, 404, `Invalid rev id: ${rev}`, 'RevisionNotFound'); return }
    const file = commit.files.get(path)
    if (file === undefined) { sendError(res, 404, 'Entry not found', 'EntryNotFound'); return }
    res.setHeader('X-Repo-Commit', commit.oid)
    if (file.lfs !== undefined && rest[2] === 'resolve') {
      res.writeHead(302, { Location: `${base}/lfs-cdn/${file.lfs.oid}`, 'X-Linked-Size': String(file.size), 'X-Linked-Etag': `"${file.lfs.oid}"`, ETag: `"${file.oid}"` }).end()
      return
    }
    const bytes = file.lfs !== undefined ? new TextEncoder().encode(`version https://git-lfs.github.com/spec/v1\noid sha256:${file.lfs.oid}\nsize ${file.size}\n`) : file.content ?? new Uint8Array()
    serveBytes(req, res, bytes, `"${file.oid}"`)
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base)
    requests.push(`${req.method ?? 'GET'} ${url.pathname}`)
    const parts = url.pathname.split('/').slice(1)
    const route = async (): Promise<void> => {
      if (parts[0] === 'api') { await handleApi(req, res, parts.slice(1), url); return }
      if (parts[0] === 'lfs-upload' || parts[0] === 'lfs-cdn') { await handleLfs(req, res, parts); return }
      const typed = TYPES[parts[0] ?? '']
      const type = typed ?? 'model'
      const rest = typed === undefined ? parts : parts.slice(1)
      if (rest[1]?.endsWith('.git') === true && rest.slice(2).join('/') === 'info/lfs/objects/batch') {
        await handleBatch(req, res, type, `${rest[0] ?? ''}/${rest[1].slice(0, -4)}`)
        return
      }
      if (rest[2] === 'resolve' || rest[2] === 'raw') { handleResolve(req, res, type, rest); return }
      sendError(res, 404, 'Not Found')
    }
    route().catch((err: unknown) => { if (!res.headersSent) sendError(res, 500, String(err)) })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: base,
    state,
    requests,
    createRepo: (type, name, isPrivate) => state.createRepo(type, name, isPrivate),
    corrupt: (type, name, path, branch = 'main') => {
      const repo = state.repos.get(HubState.key(type, name))
      const file = repo === undefined ? undefined : state.resolve(repo, branch)?.files.get(path)
      const bytes = file === undefined ? undefined : state.bytesOf(file)
      if (file === undefined || bytes === undefined || bytes.byteLength === 0) throw new Error(`no stored bytes for ${path}`)
      const copy = new Uint8Array(bytes)
      const at = copy.byteLength - 1
      copy[at] = (copy[at] ?? 0) ^ 0xff
      if (file.lfs !== undefined) state.lfs.set(file.lfs.oid, copy)
      else file.content = copy
    },
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
