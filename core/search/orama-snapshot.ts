import { load } from '@orama/orama'
import { radix } from '@orama/orama/trees'
import { SnapshotMismatchError } from './errors.ts'
import { LazyIdSet, lazyRecord } from './lazy-state.ts'
import type { OramaDb } from './orama-db.ts'

/**
 * Our own compact snapshot of Orama's state (replacing Orama's `save/load`, a JSON of its whole inverted index whose
 * parse and rebuild took 104 s at 100k documents). Radix trees (the text index) are stored as pre-order node arrays
 * with their postings in one `Uint32Array`; term frequencies as per-document `(term, tf)` runs in typed arrays;
 * field lengths as a `Float64Array`; documents as one JSON text per document. Loading builds only the tree nodes and
 * hands Orama lazy postings sets, frequency records and documents that decode on first use. Small parts (enum and
 * number indexes, token counts, id table) stay JSON. Since snapshot v4 Orama's schema indexes no text field (our
 * `TextIndex` does, saved by `text-index-snapshot.ts`): what is saved here is the documents, the filter indexes and
 * the id table; the radix and score parts only serve a string field if one returns to Orama's schema.
 */

type Sections = Array<[string, Uint8Array]>
type Freqs = Record<string, Record<string, number> | undefined>
type RadixNode = InstanceType<typeof radix.RadixNode>
interface IndexEntry { type: string, node: { toJSON: () => unknown }, isArray: boolean }
interface OramaIndexState {
  indexes: Record<string, IndexEntry>
  searchableProperties: string[]
  searchablePropertiesWithTypes: Record<string, string>
  frequencies: Record<string, Freqs>
  tokenOccurrences: Record<string, Record<string, number>>
  avgFieldLength: Record<string, number | undefined>
  fieldLengths: Record<string, Record<string, number | undefined>>
}
interface OramaInternals {
  data: { index: OramaIndexState, docs: { docs: Record<string, unknown>, count: number }, sorting: unknown, pinning: unknown }
  internalDocumentIDStore: { internalIdToId: string[] }
  tokenizer: { language: string }
  sorter: { save: (sorting: unknown) => unknown }
  pinning: { save: (pinning: unknown) => unknown }
}
interface Meta {
  /** Orama's id table when an id holds a line feed; otherwise it is the `text.ids` section, one id a line. */
  internalIdToId?: string[]
  language: string
  sorting: unknown
  pinning: unknown
  docsCount: number
  searchableProperties: string[]
  searchablePropertiesWithTypes: Record<string, string>
  tokenOccurrences: Record<string, Record<string, number>>
  avgFieldLength: Record<string, number | undefined>
  otherIndexes: Record<string, { type: string, node: unknown, isArray: boolean }>
  radix: Record<string, boolean>
  scored: string[]
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const json = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value))
const bytes = (view: ArrayBufferView): Uint8Array => new Uint8Array(view.buffer, view.byteOffset, view.byteLength)

function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const part of parts) { out.set(part, at); at += part.byteLength }
  return out
}

function saveRadix (prefix: string, root: RadixNode): Sections {
  const strings: string[] = []
  const shape: number[] = []
  const ids: number[] = []
  const stack: RadixNode[] = [root]
  while (stack.length > 0) {
    const node = stack.pop() as RadixNode
    strings.push(node.k, node.s, node.w)
    shape.push(node.e ? 1 : 0, node.c.size, node.d.size)
    for (const id of node.d) ids.push(id)
    // pushed in reverse so that children come out in map order
    const children = [...node.c.values()]
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as RadixNode)
  }
  return [[`${prefix}.strings`, json(strings)], [`${prefix}.shape`, bytes(Uint32Array.from(shape))], [`${prefix}.ids`, bytes(Uint32Array.from(ids))]]
}

function loadRadix (prefix: string, section: (name: string) => Uint8Array): RadixNode {
  const strings = JSON.parse(decoder.decode(section(`${prefix}.strings`))) as string[]
  const shape = u32(section(`${prefix}.shape`))
  const ids = u32(section(`${prefix}.ids`))
  const nodes = shape.length / 3
  const parents: Array<{ node: RadixNode, left: number }> = []
  let root: RadixNode | undefined
  let at = 0
  for (let i = 0; i < nodes; i++) {
    const [k, s, w] = [strings[i * 3] ?? '', strings[i * 3 + 1] ?? '', strings[i * 3 + 2] ?? '']
    const end = shape[i * 3] === 1
    const node = i === 0 ? new radix.RadixTree() : new radix.RadixNode(k, s, end)
    node.k = k; node.s = s; node.w = w; node.e = end
    const count = shape[i * 3 + 2] ?? 0
    node.d = new LazyIdSet(ids.subarray(at, at + count))
    at += count
    if (i === 0) root = node
    else {
      const parent = parents[parents.length - 1]
      if (parent === undefined) throw new SnapshotMismatchError(`corrupt radix tree ${prefix}`)
      parent.node.c.set(k, node)
      if (--parent.left === 0) parents.pop()
    }
    const children = shape[i * 3 + 1] ?? 0
    if (children > 0) parents.push({ node, left: children })
  }
  return root ?? new radix.RadixTree()
}

function u32 (b: Uint8Array): Uint32Array { return new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4) }
function f64 (b: Uint8Array): Float64Array { return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8) }

function saveScores (prefix: string, freqs: Freqs, lengths: Record<string, number | undefined>, maxId: number): Sections {
  const termIndex = new Map<string, number>()
  const offsets = new Uint32Array(maxId + 2)
  const terms: number[] = []
  const tfs: number[] = []
  const fieldLengths = new Float64Array(maxId + 1).fill(NaN)
  for (let id = 1; id <= maxId; id++) {
    offsets[id] = terms.length
    fieldLengths[id] = lengths[id] ?? NaN
    const doc = freqs[id]
    if (doc === undefined) continue
    for (const [term, tf] of Object.entries(doc)) {
      let t = termIndex.get(term)
      if (t === undefined) { t = termIndex.size; termIndex.set(term, t) }
      terms.push(t)
      tfs.push(tf)
    }
    // an empty record is still a record: mark it with a term index past the dictionary
    if (Object.keys(doc).length === 0) { terms.push(0xffffffff); tfs.push(0) }
  }
  offsets[maxId + 1] = terms.length
  return [
    [`${prefix}.dict`, json([...termIndex.keys()])], [`${prefix}.offsets`, bytes(offsets)], [`${prefix}.terms`, bytes(Uint32Array.from(terms))],
    [`${prefix}.tfs`, bytes(Float64Array.from(tfs))], [`${prefix}.lengths`, bytes(fieldLengths)]
  ]
}

function loadScores (prefix: string, section: (name: string) => Uint8Array): { freqs: Freqs, lengths: Record<string, number | undefined> } {
  const dict = JSON.parse(decoder.decode(section(`${prefix}.dict`))) as string[]
  const offsets = u32(section(`${prefix}.offsets`))
  const terms = u32(section(`${prefix}.terms`))
  const tfs = f64(section(`${prefix}.tfs`))
  const fieldLengths = f64(section(`${prefix}.lengths`))
  const lengths: Record<string, number | undefined> = {}
  for (let id = 1; id < fieldLengths.length; id++) { const n = fieldLengths[id] ?? NaN; if (!Number.isNaN(n)) lengths[id] = n }
  const decode = (id: number): Record<string, number> | undefined => {
    const from = offsets[id] ?? 0
    const to = offsets[id + 1] ?? 0
    if (!(id >= 1 && id < offsets.length - 1) || from === to) return undefined
    const doc: Record<string, number> = {}
    for (let i = from; i < to; i++) { const term = dict[terms[i] ?? 0xffffffff]; if (term !== undefined) doc[term] = tfs[i] ?? 0 }
    return doc
  }
  const ids = (): number[] => { const out: number[] = []; for (let id = 1; id < offsets.length - 1; id++) if (offsets[id] !== offsets[id + 1]) out.push(id); return out }
  return { freqs: lazyRecord(decode, ids), lengths }
}

function saveDocs (docs: Record<string, unknown>, maxId: number): Sections {
  const offsets = new Uint32Array(maxId + 2)
  const parts: Uint8Array[] = []
  let at = 0
  for (let id = 1; id <= maxId; id++) {
    offsets[id] = at
    const doc = docs[id]
    if (doc === undefined) continue
    const part = json(doc)
    parts.push(part)
    at += part.byteLength
  }
  offsets[maxId + 1] = at
  return [['text.docs.offsets', bytes(offsets)], ['text.docs.json', concat(parts)]]
}

function loadDocs (section: (name: string) => Uint8Array): Record<string, unknown> {
  const offsets = u32(section('text.docs.offsets'))
  const text = section('text.docs.json')
  const decode = (id: number): unknown => {
    if (!(id >= 1 && id < offsets.length - 1) || offsets[id] === offsets[id + 1]) return undefined
    return JSON.parse(decoder.decode(text.subarray(offsets[id], offsets[id + 1])))
  }
  const ids = (): number[] => { const out: number[] = []; for (let id = 1; id < offsets.length - 1; id++) if (offsets[id] !== offsets[id + 1]) out.push(id); return out }
  return lazyRecord(decode, ids)
}

function idsFromLines (b: Uint8Array): string[] {
  return b.byteLength === 0 ? [] : decoder.decode(b).split('\n')
}

/** Orama's state as snapshot sections (names start with `text.`). */
export function saveOramaSections (db: OramaDb): Sections {
  const orama = db as unknown as OramaInternals
  const index = orama.data.index
  const maxId = orama.internalDocumentIDStore.internalIdToId.length
  const sections: Sections = []
  const idTable = orama.internalDocumentIDStore.internalIdToId
  // one id a line: splitting a string is many times faster to load than a JSON array of 100k strings
  const idsAsLines = !idTable.some(id => id.includes('\n'))
  if (idsAsLines) sections.push(['text.ids', encoder.encode(idTable.join('\n'))])
  const meta: Meta = {
    ...(idsAsLines ? {} : { internalIdToId: idTable }),
    language: orama.tokenizer.language,
    sorting: orama.sorter.save(orama.data.sorting),
    pinning: orama.pinning.save(orama.data.pinning),
    docsCount: orama.data.docs.count,
    searchableProperties: index.searchableProperties,
    searchablePropertiesWithTypes: index.searchablePropertiesWithTypes,
    tokenOccurrences: index.tokenOccurrences,
    avgFieldLength: index.avgFieldLength,
    otherIndexes: {},
    radix: {},
    scored: Object.keys(index.frequencies)
  }
  for (const [prop, entry] of Object.entries(index.indexes)) {
    if (entry.type === 'Radix') {
      meta.radix[prop] = entry.isArray
      sections.push(...saveRadix(`text.radix.${prop}`, entry.node as unknown as RadixNode))
    } else {
      meta.otherIndexes[prop] = { type: entry.type, node: entry.node.toJSON(), isArray: entry.isArray }
    }
  }
  for (const prop of meta.scored) sections.push(...saveScores(`text.scores.${prop}`, index.frequencies[prop] ?? {}, index.fieldLengths[prop] ?? {}, maxId))
  sections.push(...saveDocs(orama.data.docs.docs, maxId))
  return [['text.meta', json(meta)], ...sections]
}

/** Restore Orama's state from {@link saveOramaSections} into a fresh database, without re-tokenizing anything. */
export function loadOramaSections (db: OramaDb, sections: Map<string, Uint8Array>): void {
  const section = (name: string): Uint8Array => {
    const found = sections.get(name)
    if (found === undefined) throw new SnapshotMismatchError(`search snapshot lacks section ${name}`)
    return found
  }
  const meta = JSON.parse(decoder.decode(section('text.meta'))) as Meta
  const empty = new radix.RadixTree().toJSON()
  const indexes: Record<string, unknown> = { ...meta.otherIndexes }
  for (const [prop, isArray] of Object.entries(meta.radix)) indexes[prop] = { type: 'Radix', node: empty, isArray }
  const blank = Object.fromEntries(meta.scored.map(prop => [prop, {}]))
  load(db, {
    internalDocumentIDStore: { internalIdToId: meta.internalIdToId ?? idsFromLines(section('text.ids')) },
    index: {
      indexes, vectorIndexes: {}, searchableProperties: meta.searchableProperties, searchablePropertiesWithTypes: meta.searchablePropertiesWithTypes,
      frequencies: blank, tokenOccurrences: meta.tokenOccurrences, avgFieldLength: meta.avgFieldLength, fieldLengths: { ...blank }
    },
    docs: { docs: {}, count: meta.docsCount },
    sorting: meta.sorting,
    pinning: meta.pinning,
    language: meta.language
  })
  const orama = db as unknown as OramaInternals
  const index = orama.data.index
  for (const prop of Object.keys(meta.radix)) {
    const entry = index.indexes[prop]
    if (entry !== undefined) entry.node = loadRadix(`text.radix.${prop}`, section)
  }
  for (const prop of meta.scored) {
    const { freqs, lengths } = loadScores(`text.scores.${prop}`, section)
    index.frequencies[prop] = freqs
    index.fieldLengths[prop] = lengths
  }
  orama.data.docs.docs = loadDocs(section)
}
