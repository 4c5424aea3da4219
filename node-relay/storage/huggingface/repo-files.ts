/**
 * A Hub repo's own files, read and written with @huggingface/hub through a configured Hugging Face backend's
 * connection (its Hub URL, token and fetch): what the registry imports from and exports to. Unlike the backend's
 * CAR layout, these are the repo's files as the Hub shows them (config.json, model.safetensors, README.md, …).
 * Every file read is checked against the id the Hub lists for it: the sha256 of an LFS file, the git blob id
 * (`sha1("blob <size>\0" + bytes)`) of a regular one; a file that does not match is `ERR_BLOCK_CORRUPT`.
 */
import { createHash } from 'node:crypto'
import { commit, downloadFile, listFiles } from '@huggingface/hub'
import { z } from 'zod'
import { BlockCorruptError, InvalidInputError, TooLargeError } from '../../../core/errors/index.ts'
import { errorForStatus, translateHubError } from './errors.ts'
import type { AbortOptions } from '../../../core/abort.ts'

/** How to reach the Hub: what a configured backend holds. */
export interface HubConnection {
  /** Hub base URL, without a trailing slash. */
  hubUrl: string
  /** Access token (`hf_...`), when the backend has one. */
  token?: string
  /** fetch to use. */
  fetch: typeof fetch
}

/** A repo on the Hub. */
export interface HubRepoRef {
  type: 'model' | 'dataset'
  /** `namespace/name`. */
  name: string
}

/** One file of a repo at a commit, verified. */
export interface HubRepoFile {
  path: string
  bytes: Uint8Array
}

/** A `namespace/name` repo id as the Hub takes it. */
export const HUB_REPO_PATTERN = /^[\w.-]+\/[\w.-]+$/

const revisionInfo = z.object({ sha: z.string().regex(/^[0-9a-f]{40}$/) })

/** The git blob id of `bytes`. */
export function gitBlobId (bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex')
}

function withSignal (conn: HubConnection, options: AbortOptions): typeof fetch {
  const signal = options.signal
  return async (input, init) => {
    const merged = signal === undefined ? init?.signal : init?.signal == null ? signal : AbortSignal.any([signal, init.signal])
    return await conn.fetch(input, { ...init, ...(merged != null && { signal: merged }) })
  }
}

function params (conn: HubConnection, repo: HubRepoRef, options: AbortOptions): { repo: HubRepoRef, hubUrl: string, accessToken?: string, fetch: typeof fetch } {
  return { repo, hubUrl: conn.hubUrl, ...(conn.token !== undefined && { accessToken: conn.token }), fetch: withSignal(conn, options) }
}

/** The commit id a revision (branch, tag or commit id) names now: `GET /api/<type>s/<repo>/revision/<rev>`. */
export async function resolveRevision (conn: HubConnection, repo: HubRepoRef, revision: string, options: AbortOptions = {}): Promise<string> {
  if (!HUB_REPO_PATTERN.test(repo.name)) throw new InvalidInputError(`"${repo.name}" is not a Hub repo id (namespace/name)`)
  const url = `${conn.hubUrl}/api/${repo.type}s/${repo.name}/revision/${encodeURIComponent(revision)}`
  try {
    const res = await withSignal(conn, options)(url, { headers: conn.token === undefined ? {} : { Authorization: `Bearer ${conn.token}` } })
    if (!res.ok) throw errorForStatus(res.status, `${repo.type} ${repo.name} at ${revision}: ${res.statusText}`)
    return revisionInfo.parse(await res.json()).sha
  } catch (err) {
    throw translateHubError(err, `resolve ${repo.name}@${revision}`)
  }
}

/**
 * Every file of `repo` at `commitId` (give a commit id, not a branch, so all files come from one snapshot), each
 * downloaded and verified against the id the Hub lists. `maxBytes` bounds the total (`ERR_TOO_LARGE` past it).
 */
export async function readRepoFiles (conn: HubConnection, repo: HubRepoRef, commitId: string, options: AbortOptions & { maxBytes?: number } = {}): Promise<HubRepoFile[]> {
  const p = params(conn, repo, options)
  const out: HubRepoFile[] = []
  let total = 0
  try {
    const entries = []
    for await (const entry of listFiles({ ...p, revision: commitId, recursive: true })) {
      if (entry.type === 'file') entries.push(entry)
    }
    for (const entry of entries.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) {
      options.signal?.throwIfAborted()
      total += entry.lfs?.size ?? entry.size
      if (options.maxBytes !== undefined && total > options.maxBytes) throw new TooLargeError(`${repo.name}@${commitId} holds more than ${options.maxBytes} bytes`)
      const blob = await downloadFile({ ...p, path: entry.path, revision: commitId, xet: false })
      if (blob === null) throw errorForStatus(404, `${repo.name}@${commitId}: ${entry.path} is listed but cannot be downloaded`)
      const bytes = new Uint8Array(await blob.arrayBuffer())
      const expected = entry.lfs?.oid ?? entry.oid
      const actual = entry.lfs !== undefined ? createHash('sha256').update(bytes).digest('hex') : gitBlobId(bytes)
      if (expected === undefined || actual !== expected) throw new BlockCorruptError(`${repo.name}@${commitId}: ${entry.path} does not match its ${entry.lfs !== undefined ? 'LFS sha256' : 'git blob id'} ${expected ?? '(none listed)'}`)
      out.push({ path: entry.path, bytes })
    }
  } catch (err) {
    throw translateHubError(err, `read ${repo.name}@${commitId}`)
  }
  return out
}

/** Commit `files` to `branch` of `repo` in one commit (added or replaced); returns the new commit id. */
export async function writeRepoFiles (conn: HubConnection, repo: HubRepoRef, branch: string, files: readonly HubRepoFile[], title: string, options: AbortOptions = {}): Promise<string> {
  if (!HUB_REPO_PATTERN.test(repo.name)) throw new InvalidInputError(`"${repo.name}" is not a Hub repo id (namespace/name)`)
  try {
    const out = await commit({
      ...params(conn, repo, options),
      title,
      branch,
      useXet: false,
      operations: files.map(f => ({ operation: 'addOrUpdate' as const, path: f.path, content: new Blob([new Uint8Array(f.bytes)]) })),
      ...(options.signal !== undefined && { abortSignal: options.signal })
    })
    if (out === undefined) throw new InvalidInputError(`nothing to commit to ${repo.name}`)
    return out.commit.oid
  } catch (err) {
    throw translateHubError(err, `commit to ${repo.name}@${branch}`)
  }
}
