import { SnapshotMismatchError } from './errors.ts'
import { TextIndex } from './text-index.ts'
import type { TextIndexInit } from './text-index.ts'

/**
 * Snapshot sections of a {@link TextIndex}: per field, its words (one a line), each word's postings as one
 * `Uint32Array` with offsets, and each document's length. Loading copies the postings once into one typed array and
 * hands each field's words to its dictionary (vocabulary-sized: sorted on the first query, the typo tree built on the
 * first typo-tolerant one): no per-document work.
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
    for (let t = 0; t < field.wordOf.length; t++) {
      const n = field.counts[t] ?? 0
      if (n === 0) continue
      words.push(field.wordOf[t] ?? '')
      total += n
      offsets.push(total)
    }
    const docs = new Uint32Array(total)
    let at = 0
    for (let t = 0; t < field.wordOf.length; t++) {
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

/** Copy a section into a fresh `Uint32Array` (the snapshot's bytes stay the caller's, untouched). */
function u32 (b: Uint8Array): Uint32Array {
  const out = new Uint32Array(b.byteLength / 4)
  bytes(out).set(b)
  return out
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
    field.lengths = u32(section(`${PREFIX}.${name}.lengths`))
    field.totalLength = saved.totalLength
    for (const length of field.lengths) if (length > 0) field.lengthCounts.set(length, (field.lengthCounts.get(length) ?? 0) + 1)
    words.forEach((word, t) => {
      const from = offsets[t] ?? 0
      const to = offsets[t + 1] ?? from
      field.termOf.set(word, t)
      field.wordOf.push(word)
      // a view of the shared copy: the first insert into this term moves it to its own array
      field.postings.push(docs.subarray(from, to))
      field.counts.push(to - from)
      field.words.add(word, t)
    })
  }
  return index
}
