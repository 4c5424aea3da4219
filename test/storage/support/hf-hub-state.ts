/**
 * The state behind the fake Hugging Face Hub (`hf-hub-server.ts`): repos with branches and commits, files stored
 * either in git (regular) or in LFS storage (a pointer in git, the bytes in a content-addressed store), the way the
 * real Hub keeps them. Git object ids are real git blob ids (`sha1("blob <size>\0" + bytes)`), LFS oids are sha256.
 */
import { createHash, randomBytes } from 'node:crypto'

/** Repo types the Hub knows, as they appear in URLs (`/api/models/...`, `/datasets/...`). */
export type HubRepoType = 'model' | 'dataset' | 'space'

/** One file at one commit. */
export interface HubFile {
  path: string
  /** Git blob id of what git stores: the bytes (regular) or the LFS pointer. */
  oid: string
  /** The file's real size. */
  size: number
  /** Bytes of a regular file. */
  content?: Uint8Array
  /** LFS pointer data of an LFS file; the bytes live in the LFS store under `lfs.oid`. */
  lfs?: { oid: string, size: number, pointerSize: number }
}

/** One commit: a full snapshot of the repo's files. */
export interface HubCommit {
  oid: string
  parent?: string
  title: string
  date: string
  files: Map<string, HubFile>
}

/** One repo. */
export interface HubRepo {
  type: HubRepoType
  name: string
  private: boolean
  branches: Map<string, string>
  commits: Map<string, HubCommit>
}

/** Git's id for a blob. */
export function gitBlobOid (bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex')
}

/** Lower-case hex sha256. */
export function sha256Hex (bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** The text of a git-lfs pointer file (spec v1). */
export function lfsPointer (oid: string, size: number): Uint8Array {
  return new TextEncoder().encode(`version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`)
}

/** Repos, commits and LFS objects of one fake Hub. */
export class HubState {
  readonly repos = new Map<string, HubRepo>()
  /** LFS storage (the Hub's S3 bucket), by sha256. */
  readonly lfs = new Map<string, Uint8Array>()

  /** Repo key as used in maps: `model:ns/name`. */
  static key (type: HubRepoType, name: string): string {
    return `${type}:${name}`
  }

  createRepo (type: HubRepoType, name: string, isPrivate = false): HubRepo {
    const initial: HubCommit = { oid: randomBytes(20).toString('hex'), title: 'initial commit', date: new Date().toISOString(), files: new Map() }
    const gitattributes = new TextEncoder().encode('*.bin filter=lfs diff=lfs merge=lfs -text\n*.safetensors filter=lfs diff=lfs merge=lfs -text\n')
    initial.files.set('.gitattributes', { path: '.gitattributes', oid: gitBlobOid(gitattributes), size: gitattributes.byteLength, content: gitattributes })
    const repo: HubRepo = { type, name, private: isPrivate, branches: new Map([['main', initial.oid]]), commits: new Map([[initial.oid, initial]]) }
    this.repos.set(HubState.key(type, name), repo)
    return repo
  }

  /** The commit a revision (branch name or commit id) points at, or undefined. */
  resolve (repo: HubRepo, rev: string): HubCommit | undefined {
    const oid = repo.branches.get(rev) ?? (repo.commits.has(rev) ? rev : undefined)
    return oid === undefined ? undefined : repo.commits.get(oid)
  }

  /** Append a commit on `branch` with the given file changes; returns the new commit. */
  commit (repo: HubRepo, branch: string, title: string, changes: { put: HubFile[], remove: string[] }): HubCommit {
    const headOid = repo.branches.get(branch)
    const head = headOid === undefined ? undefined : repo.commits.get(headOid)
    const files = new Map(head?.files ?? [])
    for (const path of changes.remove) {
      for (const key of [...files.keys()]) if (key === path || key.startsWith(`${path}/`)) files.delete(key)
    }
    for (const file of changes.put) files.set(file.path, file)
    const commit: HubCommit = { oid: randomBytes(20).toString('hex'), title, date: new Date().toISOString(), files }
    if (headOid !== undefined) commit.parent = headOid
    repo.commits.set(commit.oid, commit)
    repo.branches.set(branch, commit.oid)
    return commit
  }

  /** A file entry for bytes committed in git. */
  static regularFile (path: string, content: Uint8Array): HubFile {
    return { path, oid: gitBlobOid(content), size: content.byteLength, content }
  }

  /** A file entry for bytes already in LFS storage. */
  static lfsFile (path: string, oid: string, size: number): HubFile {
    const pointer = lfsPointer(oid, size)
    return { path, oid: gitBlobOid(pointer), size, lfs: { oid, size, pointerSize: pointer.byteLength } }
  }

  /** The bytes a file resolves to (LFS bytes for LFS files). */
  bytesOf (file: HubFile): Uint8Array | undefined {
    return file.lfs === undefined ? file.content : this.lfs.get(file.lfs.oid)
  }
}
