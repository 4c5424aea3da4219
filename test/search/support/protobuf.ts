/** Just enough protobuf encoding to write an ONNX model: varints, length-delimited fields, messages. */

function varint (value: number | bigint): number[] {
  let n = BigInt(value)
  if (n < 0n) n += 1n << 64n
  const out: number[] = []
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80)
    n >>= 7n
  }
  out.push(Number(n))
  return out
}

/** One encoded field (or several concatenated). */
export type Field = Uint8Array

function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const part of parts) { out.set(part, at); at += part.byteLength }
  return out
}

/** A varint field (int32/int64/enum). */
export function int (field: number, value: number | bigint): Field {
  return Uint8Array.from([...varint(field << 3), ...varint(value)])
}

/** A length-delimited field: bytes, a string, or an embedded message. */
export function bytes (field: number, value: Uint8Array | string): Field {
  const data = typeof value === 'string' ? new TextEncoder().encode(value) : value
  return concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(data.byteLength)]), data])
}

/** An embedded message made of fields. */
export function message (field: number, ...fields: Field[]): Field {
  return bytes(field, concat(fields))
}

/** Top-level message bytes. */
export function encode (...fields: Field[]): Uint8Array {
  return concat(fields)
}
