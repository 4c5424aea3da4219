import { SnapshotMismatchError } from './errors.ts'
import { TextIndex } from './text-index.ts'
import type { TextIndexInit } from './text-index.ts'

/**
 * Snapshot sections of a {@link TextIndex}: per field, its words (one a line), each word's postings as one
 * `Uint32Array` with offsets, and each document's length. Loading keeps the postings and offsets as views of the
 * snapshot (a term is copied into an array of its own on its first change), copies the lengths, and hands each
 * field's words to its dictionary (sorted on the first query, the typo tree built on the first typo-tolerant one):
 * no per-document or per-term work beyond one pass over the offsets.
 */

type Sections = Array<[string, Uint8Array]>

interface TextMeta {
  docCount: number
  fields: Record<string, { totalLength: number, wordsAsJson: boolean }>
}

const PREFIX = 'text.bm25'
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const bytes = (view: ArrayBufferView): Uint8Array => new Uint8Array(view.buffer, view.byteOffset, view.byteLength)

/** A text index as snapshot sections (names start with `text.bm25.`). */
export function saveTextIndex (index: TextIndex): Sections {
  const meta: TextMeta = { docCount: index.docCount, fields: {} }
  const sections: Sections = []
  for (const [name, field] of index.fields) {
    const words: string[] = []
    const offsets: number[] = [0]
    let total = 0
    for (let t = 0; t < field.termCount; t++) {
      const n = field.docsOf(t).length
      if (n === 0) continue
      words.push(field.wordOf[t] ?? '')
      total += n
      offsets.push(total)
    }
    const docs = new Uint32Array(total)
    let at = 0
    for (let t = 0; t < field.termCount; t++) {
      const list = field.docsOf(t)
      docs.set(list, at)
      at += list.length
    }
    const wordsAsJson = words.some(word => word.includes('\n'))
    meta.fields[name] = { totalLength: field.totalLength, wordsAsJson }
    sections.push(
      [`${PREFIX}.${name}.words`, encoder.encode(wordsAsJson ? JSON.stringify(words) : words.join('\n'))],
      [`${PREFIX}.${name}.offsets`, bytes(Uint32Array.from(offsets))],
      [`${PREFIX}.${name}.docs`, bytes(docs)],
      [`${PREFIX}.${name}.lengths`, bytes(field.lengths)]
    )
  }
  return [[`${PREFIX}.meta`, encoder.encode(JSON.stringify(meta))], ...sections]
}

/** A section as a `Uint32Array`: a view of it when aligned (never written), else a copy. */
function u32 (b: Uint8Array): Uint32Array {
  if (b.byteOffset % 4 === 0) return new Uint32Array(b.buffer, b.byteOffset, b.byteLength >>> 2)
  const out = new Uint32Array(b.byteLength >>> 2)
  bytes(out).set(b.subarray(0, out.byteLength))
  return out
}

/** Whether `offsets` starts at 0 and never decreases (each term's documents are one run after the last). */
function ascending (offsets: Uint32Array): boolean {
  if ((offsets[0] ?? 0) !== 0) return false
  for (let t = 1; t < offsets.length; t++) if ((offsets[t] ?? 0) < (offsets[t - 1] ?? 0)) return false
  return true
}

/** A text index from {@link saveTextIndex}'s sections. */
export function loadTextIndex (sections: Map<string, Uint8Array>, init: TextIndexInit): TextIndex {
  const section = (name: string): Uint8Array => {
    const found = sections.get(name)
    if (found === undefined) throw new SnapshotMismatchError(`search snapshot lacks section ${name}`)
    return found
  }
  const meta = JSON.parse(decoder.decode(section(`${PREFIX}.meta`))) as TextMeta
  const index = new TextIndex(init)
  index.docCount = meta.docCount
  for (const [name, field] of index.fields) {
    const saved = meta.fields[name]
    if (saved === undefined) throw new SnapshotMismatchError(`search snapshot lacks text field ${name}`)
    const text = decoder.decode(section(`${PREFIX}.${name}.words`))
    const words = saved.wordsAsJson ? JSON.parse(text) as string[] : text === '' ? [] : text.split('\n')
    const offsets = u32(section(`${PREFIX}.${name}.offsets`))
    const docs = u32(section(`${PREFIX}.${name}.docs`))
    if (offsets.length !== words.length + 1 || !ascending(offsets) || (offsets[words.length] ?? 0) > docs.length) {
      throw new SnapshotMismatchError(`search snapshot's postings of text field ${name} do not match its words`)
    }
    // the postings stay views of the snapshot (a term is copied when it first changes); lengths are copied
    field.loadSaved({ words, offsets, docs, lengths: u32(section(`${PREFIX}.${name}.lengths`)), totalLength: saved.totalLength })
  }
  return index
}
