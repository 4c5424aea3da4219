import { SnapshotMismatchError } from './errors.ts'
import { ProductQuantizer } from './product-quantizer.ts'
import type { VectorIndexState } from './vector-index.ts'

const MAGIC = [0x49, 0x4b, 0x53, 0x58] // "IKSX"
/** Format version of search snapshots; bump on any change of layout or of what Orama saves. */
export const SNAPSHOT_VERSION = 5

/** What a snapshot holds: the text index's sections (see orama-snapshot.ts), the vectors, and which embedder made them. */
export interface SnapshotContent {
  embedderId: string
  /** Sections of the text index, by name (`text.*`). */
  text: Map<string, Uint8Array>
  vectors: VectorIndexState
}

/** Sections start at multiples of 8 bytes, so typed arrays can view them in place (no copy at load). */
const ALIGN = 8
const padded = (n: number): number => Math.ceil(n / ALIGN) * ALIGN

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
 * Encode a snapshot as one byte array: magic, header length, a JSON header, then raw 8-byte-aligned sections (the
 * text index's typed arrays and JSON, the ids, float32 vectors, float32 centroids, int32 list numbers, the product
 * quantizer's float32 codebook and the uint32 codes of the vectors). Vectors stay binary: a base64 JSON of 100k × 384
 * floats would be 200 MB of text to parse.
 */
export function encodeSnapshot (content: SnapshotContent): Uint8Array {
  const sections: Array<[string, Uint8Array]> = [
    ...content.text,
    ['ids', encoder.encode(JSON.stringify(content.vectors.ids))],
    ['vectors', bytesOf(content.vectors.vectors)]
  ]
  if (content.vectors.centroids !== undefined && content.vectors.lists !== undefined) {
    sections.push(['centroids', bytesOf(content.vectors.centroids)], ['lists', bytesOf(content.vectors.lists)])
  }
  if (content.vectors.codebook !== undefined && content.vectors.codes !== undefined) {
    sections.push(['codebook', bytesOf(content.vectors.codebook)], ['codes', bytesOf(content.vectors.codes)])
  }
  const header: Header = {
    version: SNAPSHOT_VERSION,
    embedderId: content.embedderId,
    dimensions: content.vectors.dimensions,
    trainedAt: content.vectors.trainedAt,
    sections: Object.fromEntries(sections.map(([name, bytes]) => [name, bytes.byteLength]))
  }
  const headerBytes = encoder.encode(JSON.stringify(header))
  const total = padded(8 + headerBytes.byteLength) + sections.reduce((n, [, bytes]) => n + padded(bytes.byteLength), 0)
  const out = new Uint8Array(total)
  out.set(MAGIC, 0)
  new DataView(out.buffer).setUint32(4, headerBytes.byteLength, true)
  out.set(headerBytes, 8)
  let at = padded(8 + headerBytes.byteLength)
  for (const [, bytes] of sections) {
    out.set(bytes, at)
    at += padded(bytes.byteLength)
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
  // typed-array views need aligned offsets: bytes at an odd place in their buffer are copied once
  const aligned = bytes.byteOffset % ALIGN === 0 ? bytes : Uint8Array.from(bytes)
  let at = padded(8 + headerLength)
  for (const [name, length] of Object.entries(header.sections)) {
    if (at + length > aligned.byteLength) throw new SnapshotMismatchError('truncated search snapshot')
    sections.set(name, aligned.subarray(at, at + length))
    at += padded(length)
  }
  const section = (name: string): Uint8Array => sections.get(name) ?? new Uint8Array(0)
  const floats = (name: string): Float32Array => { const b = section(name); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4) }
  const centroids = sections.has('centroids') ? floats('centroids') : undefined
  const listBytes = sections.get('lists')
  const codeBytes = sections.get('codes')
  const ids = JSON.parse(decoder.decode(section('ids'))) as string[]
  if (codeBytes !== undefined) {
    const subspaces = ProductQuantizer.subspacesFor(header.dimensions)
    if (section('codebook').byteLength !== subspaces * 16 * 4 * 4 || codeBytes.byteLength !== ids.length * subspaces / 2) {
      throw new SnapshotMismatchError('search snapshot codes do not match its vectors')
    }
  }
  return {
    embedderId: header.embedderId,
    text: new Map([...sections].filter(([name]) => name.startsWith('text.'))),
    vectors: {
      dimensions: header.dimensions,
      ids,
      vectors: floats('vectors'),
      centroids,
      lists: listBytes === undefined ? undefined : new Int32Array(listBytes.buffer, listBytes.byteOffset, listBytes.byteLength / 4),
      codebook: sections.has('codebook') ? floats('codebook') : undefined,
      codes: codeBytes === undefined ? undefined : new Uint32Array(codeBytes.buffer, codeBytes.byteOffset, codeBytes.byteLength / 4),
      trainedAt: header.trainedAt
    }
  }
}
