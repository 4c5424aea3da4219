import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import * as json from 'multiformats/codecs/json'
import * as raw from 'multiformats/codecs/raw'
import { InvalidInputError, UnsupportedCodecError } from '../../core/errors/index.ts'

/** The IPLD codecs the DAG and block tools know, by name. */
export const CODEC_CODES = {
  raw: raw.code,
  'dag-pb': dagPb.code,
  'dag-cbor': dagCbor.code,
  'dag-json': dagJson.code,
  json: json.code
} as const

/** A codec name tools accept. */
export type CodecName = keyof typeof CODEC_CODES

/** The name of a codec code, or its hex code when unknown (e.g. `0x300`). */
export function codecName (code: number): string {
  for (const [name, value] of Object.entries(CODEC_CODES)) if (value === code) return name
  return `0x${code.toString(16)}`
}

/** Decode a block's bytes with the codec of its CID; `ERR_UNSUPPORTED_CODEC` for others. */
export function decodeBlock (cid: CID, bytes: Uint8Array): unknown {
  switch (cid.code) {
    case dagCbor.code: return dagCbor.decode(bytes)
    case dagJson.code: return dagJson.decode(bytes)
    case dagPb.code: return dagPb.decode(bytes)
    case json.code: return json.decode(bytes)
    case raw.code: return bytes
    default: throw new UnsupportedCodecError(`${cid.toString()} uses codec ${codecName(cid.code)}, which this node cannot decode (raw, dag-pb, dag-cbor, dag-json, json)`)
  }
}

function bytesToBase64 (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '')
}

/**
 * A decoded IPLD value as plain JSON in the DAG-JSON conventions: links become `{ "/": "<cid>" }`, bytes become
 * `{ "/": { "bytes": "<base64>" } }`; absent (undefined) fields are left out.
 */
export function toJsonValue (value: unknown): unknown {
  const link = CID.asCID(value)
  if (link !== null) return { '/': link.toString() }
  if (value instanceof Uint8Array) return { '/': { bytes: bytesToBase64(value) } }
  if (Array.isArray(value)) return value.map(toJsonValue)
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) if (inner !== undefined) out[key] = toJsonValue(inner)
    return out
  }
  return value
}

/** Parse a JSON value in the DAG-JSON conventions (links, bytes) into an IPLD value; `ERR_INVALID_INPUT` when it is not. */
export function fromJsonValue (value: unknown): unknown {
  try {
    return dagJson.decode(new TextEncoder().encode(JSON.stringify(value)))
  } catch (err) {
    throw new InvalidInputError(`value is not valid DAG-JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

/** Encode an IPLD value with dag-cbor or dag-json. */
export function encodeValue (value: unknown, codec: 'dag-cbor' | 'dag-json'): Uint8Array {
  try {
    return codec === 'dag-cbor' ? dagCbor.encode(value) : dagJson.encode(value)
  } catch (err) {
    throw new InvalidInputError(`value cannot be encoded as ${codec}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}
