import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { publicKeyFromProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { auditFiles } from './audit-log.ts'
import { GENESIS, hashOf } from './entry.ts'
import type { AuditLine } from './entry.ts'

/** One problem found in the log. */
export interface AuditProblem {
  file: string
  /** 1-based line in that file. */
  line: number
  seq?: number
  /** `edited` (hash mismatch), `removed` (a gap in the chain), `reordered` (sequence out of order), `unreadable`, `bad-signature`. */
  kind: 'edited' | 'removed' | 'reordered' | 'unreadable' | 'bad-signature'
  message: string
}

/** What {@link verifyAuditLog} found. */
export interface AuditReport {
  ok: boolean
  entries: number
  checkpoints: number
  /** Peer ids that signed checkpoints. */
  signers: string[]
  problems: AuditProblem[]
}

/** Options of {@link verifyAuditLog}. */
export interface VerifyAuditOptions {
  /** Checkpoints must be signed by this peer (else `bad-signature`). */
  expectedPeerId?: string
  /**
   * The relay is writing the log: a last line without its newline is an append in progress, not `unreadable`
   * (a stopped relay's torn last line is cut off when the log is opened, and was never acknowledged).
   */
  live?: boolean
}

/**
 * Walk every line of the log in `dir` in order and check it: each line's hash is the SHA-256 of its content (else
 * `edited`), its `prev` is the hash of the line before (else `removed`, or `reordered` when its sequence number is
 * out of order) and each checkpoint's signature verifies against its public key, which belongs to its peer id.
 * With `expectedPeerId`, checkpoints signed by another key are `bad-signature`.
 */
export async function verifyAuditLog (dir: string, options: VerifyAuditOptions = {}): Promise<AuditReport> {
  const report: AuditReport = { ok: true, entries: 0, checkpoints: 0, signers: [], problems: [] }
  let prevHash = GENESIS
  let prevSeq = 0
  const files = await auditFiles(dir)
  for (const [fileIndex, path] of files.entries()) {
    const file = basename(path)
    const lines = (await readFile(path, 'utf8')).split('\n')
    // a whole log ends with a newline; in a live one, the newest file's unfinished last line is an append in progress
    const unfinished = options.live === true && fileIndex === files.length - 1
    if (lines.at(-1) === '' || unfinished) lines.pop()
    for (const [index, text] of lines.entries()) {
      const at = { file, line: index + 1 }
      let line: AuditLine
      try {
        line = JSON.parse(text) as AuditLine
      } catch {
        report.problems.push({ ...at, kind: 'unreadable', message: 'not a JSON line' })
        continue
      }
      const { hash, ...body } = line
      if (hashOf(body) !== hash) {
        report.problems.push({ ...at, seq: line.seq, kind: 'edited', message: `line ${line.seq} does not hash to its recorded hash: it was changed` })
      }
      if (line.prev !== prevHash) {
        const kind = line.seq <= prevSeq ? 'reordered' : 'removed'
        report.problems.push({
          ...at,
          seq: line.seq,
          kind,
          message: kind === 'reordered'
            ? `line ${line.seq} comes after line ${prevSeq}: lines were reordered`
            : `line ${line.seq} does not follow line ${prevSeq}: ${line.seq - prevSeq - 1 > 0 ? `${line.seq - prevSeq - 1} line(s) missing` : 'the line before it was removed or replaced'}`
        })
      } else if (line.seq !== prevSeq + 1) {
        report.problems.push({ ...at, seq: line.seq, kind: 'reordered', message: `sequence ${line.seq} after ${prevSeq}` })
      }
      if (line.type === 'checkpoint') {
        report.checkpoints++
        try {
          const key = publicKeyFromProtobuf(Buffer.from(line.publicKey, 'base64'))
          const signer = peerIdFromPublicKey(key).toString()
          const valid = signer === line.peerId && await key.verify(new TextEncoder().encode(line.prev), Buffer.from(line.signature, 'base64'))
          if (!valid || (options.expectedPeerId !== undefined && signer !== options.expectedPeerId)) {
            report.problems.push({ ...at, seq: line.seq, kind: 'bad-signature', message: `checkpoint ${line.seq} is not signed by ${options.expectedPeerId ?? line.peerId}` })
          }
          if (!report.signers.includes(signer)) report.signers.push(signer)
        } catch {
          report.problems.push({ ...at, seq: line.seq, kind: 'bad-signature', message: `checkpoint ${line.seq} has an unreadable key or signature` })
        }
      } else {
        report.entries++
      }
      prevHash = hash
      prevSeq = line.seq
    }
  }
  report.ok = report.problems.length === 0
  return report
}
