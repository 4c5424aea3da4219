import { SnapshotMismatchError } from './errors.ts'
import type { VectorIndexState } from './vector-index.ts'

const MAGIC = [0x49, 0x4b, 0x53, 0x58] // "IKSX"
/** Format version of search snapshots; bump on any change of layout or of what Orama saves. */
export const SNAPSHOT_VERSION = 2

/** What a snapshot holds: Orama's saved state, the vectors, and which embedder made them. */
export interface SnapshotContent {
  embedderId: string
  /** Orama's `save()` output (plain JSON data). */
  orama: unknown
  vectors: VectorIndexState
}

interface Header {
  version: number
  embedderId: string
  dimensions: number
  trainedAt: number
  sections: Record<string, number>
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function bytesOf (view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}

/**
 * Orama's saved state as one JSON section per part (`orama.docs`, `orama.index.frequencies`, ...): one JSON string
 * of a 100k-document index would come near V8's largest string.
 */
function oramaSections (orama: unknown): Array<[string, Uint8Array]> {
  const sections: Array<[string, Uint8Array]> = []
  for (const [key, value] of Object.entries(orama as Record<string, unknown>)) {
    if (key === 'index' && typeof value === 'object' && value !== null) {
      for (const [part, partValue] of Object.entries(value)) sections.push([`orama.index.${part}`, encoder.encode(JSON.stringify(partValue))])
    } else {
      sections.push([`orama.${key}`, encoder.encode(JSON.stringify(value))])
    }
  }
  return sections
}

function oramaFromSections (sections: Map<string, Uint8Array>): unknown {
  const orama: Record<string, unknown> = {}
  const index: Record<string, unknown> = {}
  for (const [name, bytes] of sections) {
    if (name.startsWith('orama.index.')) index[name.slice('orama.index.'.length)] = JSON.parse(decoder.decode(bytes))
    else if (name.startsWith('orama.')) orama[name.slice('orama.'.length)] = JSON.parse(decoder.decode(bytes))
  }
  orama.index = index
  return orama
}

/**
 * Encode a snapshot as one byte array: magic, header length, a JSON header, then raw sections (Orama's JSON, the
 * ids, float32 vectors, float32 centroids, int32 list numbers). Vectors stay binary: a base64 JSON of 100k × 384
 * floats would be 200 MB of text to parse.
 */
export function encodeSnapshot (content: SnapshotContent): Uint8Array {
  const sections: Array<[string, Uint8Array]> = [
    ...oramaSections(content.orama),
    ['ids', encoder.encode(JSON.stringify(content.vectors.ids))],
    ['vectors', bytesOf(content.vectors.vectors)]
  ]
  if (content.vectors.centroids !== undefined && content.vectors.lists !== undefined) {
    sections.push(['centroids', bytesOf(content.vectors.centroids)], ['lists', bytesOf(content.vectors.lists)])
  }
  const header: Header = {
    version: SNAPSHOT_VERSION,
    embedderId: content.embedderId,
    dimensions: content.vectors.dimensions,
    trainedAt: content.vectors.trainedAt,
    sections: Object.fromEntries(sections.map(([name, bytes]) => [name, bytes.byteLength]))
  }
  const headerBytes = encoder.encode(JSON.stringify(header))
  const total = 8 + headerBytes.byteLength + sections.reduce((n, [, bytes]) => n + bytes.byteLength, 0)
  const out = new Uint8Array(total)
  out.set(MAGIC, 0)
  new DataView(out.buffer).setUint32(4, headerBytes.byteLength, true)
  out.set(headerBytes, 8)
  let at = 8 + headerBytes.byteLength
  for (const [, bytes] of sections) {
    out.set(bytes, at)
    at += bytes.byteLength
  }
  return out
}

/** Decode {@link encodeSnapshot}'s bytes; `SnapshotMismatchError` when they are not a snapshot of this version. */
export function decodeSnapshot (bytes: Uint8Array): SnapshotContent {
  if (bytes.byteLength < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw new SnapshotMismatchError('not a search snapshot')
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true)
  let header: Header
  try {
    header = JSON.parse(decoder.decode(bytes.subarray(8, 8 + headerLength))) as Header
  } catch (err) {
    throw new SnapshotMismatchError(`unreadable snapshot header: ${String(err)}`)
  }
  if (header.version !== SNAPSHOT_VERSION) throw new SnapshotMismatchError(`snapshot version ${header.version}, expected ${SNAPSHOT_VERSION}`)
  const sections = new Map<string, Uint8Array>()
  let at = 8 + headerLength
  for (const [name, length] of Object.entries(header.sections)) {
    if (at + length > bytes.byteLength) throw new SnapshotMismatchError('truncated search snapshot')
    // copy: typed-array views need an aligned offset
    // (a copy through a fresh array: Node's Buffer.slice would return a view)
    const copy = new Uint8Array(length)
    copy.set(bytes.subarray(at, at + length))
    sections.set(name, copy)
    at += length
  }
  const section = (name: string): Uint8Array => sections.get(name) ?? new Uint8Array(0)
  const floats = (name: string): Float32Array => { const b = section(name); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4) }
  const centroids = sections.has('centroids') ? floats('centroids') : undefined
  const listBytes = sections.get('lists')
  return {
    embedderId: header.embedderId,
    orama: oramaFromSections(sections),
    vectors: {
      dimensions: header.dimensions,
      ids: JSON.parse(decoder.decode(section('ids'))) as string[],
      vectors: floats('vectors'),
      centroids,
      lists: listBytes === undefined ? undefined : new Int32Array(listBytes.buffer, listBytes.byteOffset, listBytes.byteLength / 4),
      trainedAt: header.trainedAt
    }
  }
}
