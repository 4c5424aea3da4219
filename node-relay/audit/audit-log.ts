import { appendFile, mkdir, readdir, readFile, stat, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { GENESIS, hashOf } from './entry.ts'
import type { AuditAction, AuditCheckpoint, AuditEntry, AuditLine } from './entry.ts'
import type { PrivateKey } from '@libp2p/interface'

/** Options of {@link AuditLog.open}. */
export interface AuditLogOptions {
  /** Directory of the log files (`<dataDir>/audit`). */
  dir: string
  /** The relay's peer key: checkpoints are signed with it. */
  privateKey: PrivateKey
  /** Start a new file past this size (default 64 MiB). */
  maxFileBytes?: number
  /** Sign the head every this many entries (default 256), and on close. */
  checkpointEvery?: number
}

const FILE = /^audit-(\d{6})\.log$/

/** The log files of a directory, oldest first. */
export async function auditFiles (dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [])
  return names.filter(name => FILE.test(name)).sort().map(name => join(dir, name))
}

/**
 * The relay's audit log: every write, admin and denied action, appended as JSON lines to `<dataDir>/audit/`, each
 * carrying the SHA-256 of the previous line, with periodic checkpoints signed by the relay's peer key. Appends are
 * group-committed: actions queued while a write is in flight go out in the next single `appendFile`. Files rotate by
 * size; the chain continues across files. `verifyAuditLog` finds an edited, removed or reordered line.
 */
export class AuditLog {
  private readonly options: Required<AuditLogOptions>
  private file = ''
  private fileBytes = 0
  private fileNumber = 0
  private seq = 0
  private head = GENESIS
  private sinceCheckpoint = 0
  private queue: Array<{ line: string, bytes: number }> = []
  private writing: Promise<void> = Promise.resolve()
  private closed = false

  private constructor (options: Required<AuditLogOptions>) {
    this.options = options
  }

  /** Open (or create) the log, continuing the chain after its last whole line; a torn last line is cut off. */
  static async open (options: AuditLogOptions): Promise<AuditLog> {
    const log = new AuditLog({ maxFileBytes: 64 * 1024 * 1024, checkpointEvery: 256, ...options })
    await mkdir(options.dir, { recursive: true })
    const files = await auditFiles(options.dir)
    const last = files.at(-1)
    if (last === undefined) {
      log.startFile(1)
      return log
    }
    log.fileNumber = Number(FILE.exec(last.split('/').at(-1) ?? '')?.[1] ?? 1)
    log.file = last
    const text = await readFile(last, 'utf8')
    const end = text.lastIndexOf('\n') + 1
    if (end < text.length) await truncate(last, end) // a line torn by a crash: never acknowledged
    log.fileBytes = end
    const lines = text.slice(0, end).trimEnd().split('\n').filter(l => l !== '')
    const tail = lines.at(-1)
    if (tail !== undefined) {
      const parsed = JSON.parse(tail) as AuditLine
      log.seq = parsed.seq
      log.head = parsed.hash
    } else if (files.length > 1) {
      const previous = (await readFile(files.at(-2) ?? '', 'utf8')).trimEnd().split('\n').at(-1)
      if (previous !== undefined && previous !== '') {
        const parsed = JSON.parse(previous) as AuditLine
        log.seq = parsed.seq
        log.head = parsed.hash
      }
    }
    return log
  }

  private startFile (number: number): void {
    this.fileNumber = number
    this.file = join(this.options.dir, `audit-${String(number).padStart(6, '0')}.log`)
    this.fileBytes = 0
  }

  /** Append an action; resolves once it is written (with whatever else was queued meanwhile). */
  async append (action: AuditAction): Promise<void> {
    if (this.closed) return
    const body: Omit<AuditEntry, 'hash'> = { type: 'entry', seq: ++this.seq, at: new Date().toISOString(), prev: this.head, ...action }
    this.push({ ...body, hash: hashOf(body) })
    if (++this.sinceCheckpoint >= this.options.checkpointEvery) await this.checkpoint()
    await this.flush()
  }

  private push (line: AuditLine): void {
    this.head = line.hash
    const text = JSON.stringify(line) + '\n'
    this.queue.push({ line: text, bytes: Buffer.byteLength(text) })
  }

  /** Sign the current head with the peer key. */
  async checkpoint (): Promise<void> {
    this.sinceCheckpoint = 0
    const { privateKey } = this.options
    const signature = await privateKey.sign(new TextEncoder().encode(this.head))
    const body: Omit<AuditCheckpoint, 'hash'> = {
      type: 'checkpoint',
      seq: ++this.seq,
      at: new Date().toISOString(),
      prev: this.head,
      peerId: peerIdFromPrivateKey(privateKey).toString(),
      publicKey: Buffer.from(publicKeyToProtobuf(privateKey.publicKey)).toString('base64'),
      signature: Buffer.from(signature).toString('base64')
    }
    this.push({ ...body, hash: hashOf(body) })
  }

  /** Write everything queued in one append (group commit); rotates first when the file is full. */
  private async flush (): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.queue.length === 0) return
      const batch = this.queue
      this.queue = []
      const bytes = batch.reduce((sum, item) => sum + item.bytes, 0)
      if (this.fileBytes > 0 && this.fileBytes + bytes > this.options.maxFileBytes) this.startFile(this.fileNumber + 1)
      await appendFile(this.file, batch.map(item => item.line).join(''))
      this.fileBytes += bytes
    })
    await this.writing
  }

  /** Sign the head and write what is queued. */
  async close (): Promise<void> {
    if (this.closed) return
    if (this.seq > 0 && this.sinceCheckpoint > 0) await this.checkpoint()
    this.closed = true
    await this.flush()
  }

  /** The last `limit` lines, newest last. */
  async tail (limit = 100): Promise<AuditLine[]> {
    await this.writing
    return await readAuditTail(this.options.dir, limit)
  }
}

/** The last `limit` lines of the log in `dir`, newest last. */
export async function readAuditTail (dir: string, limit = 100): Promise<AuditLine[]> {
  const out: AuditLine[] = []
  const files = await auditFiles(dir)
  for (let i = files.length - 1; i >= 0 && out.length < limit; i--) {
    const lines = (await readFile(files[i] ?? '', 'utf8')).split('\n').filter(l => l !== '')
    for (let j = lines.length - 1; j >= 0 && out.length < limit; j--) {
      try { out.push(JSON.parse(lines[j] ?? '') as AuditLine) } catch { /* verify reports it */ }
    }
  }
  return out.reverse()
}

/** Whether a file exists and is not empty. */
export async function hasAuditLog (dir: string): Promise<boolean> {
  const files = await auditFiles(dir)
  for (const file of files) if ((await stat(file)).size > 0) return true
  return false
}

