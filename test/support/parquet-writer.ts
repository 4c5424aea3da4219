/**
 * A minimal Parquet writer for test fixtures: no Parquet writer is installed here (hyparquet reads only; pyarrow and
 * hyparquet-writer are not available offline), so tests build their files with this. It writes what the format
 * specification (apache/parquet-format, parquet.thrift) requires and nothing more: one row group, REQUIRED columns
 * of INT32, DOUBLE or UTF8 strings, one PLAIN-encoded, uncompressed v1 data page per column, and the footer in
 * Thrift's compact protocol. Every file it writes is read back by hyparquet in the tests that use it, so a mistake
 * here shows up as a read failure, not as a wrong answer.
 */

/** A column: its name, its type, and one value per row. */
export type ParquetColumn =
  | { name: string, type: 'int32', values: number[] }
  | { name: string, type: 'double', values: number[] }
  | { name: string, type: 'string', values: string[] }

class CompactWriter {
  readonly bytes: number[] = []
  private readonly lastField: number[] = [0]

  varint (value: bigint): void {
    let v = value
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80)
      v >>= 7n
    }
    this.bytes.push(Number(v))
  }

  zigzag (value: number | bigint): void {
    const v = BigInt(value)
    this.varint(v >= 0n ? v << 1n : ((-v) << 1n) - 1n)
  }

  field (id: number, type: number): void {
    const last = this.lastField[this.lastField.length - 1] ?? 0
    const delta = id - last
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type)
    else {
      this.bytes.push(type)
      this.zigzag(id)
    }
    this.lastField[this.lastField.length - 1] = id
  }

  i32 (id: number, value: number): void { this.field(id, 5); this.zigzag(value) }
  i64 (id: number, value: number | bigint): void { this.field(id, 6); this.zigzag(value) }
  binary (id: number, value: Uint8Array): void { this.field(id, 8); this.varint(BigInt(value.byteLength)); this.bytes.push(...value) }
  string (id: number, value: string): void { this.binary(id, new TextEncoder().encode(value)) }

  /** A list field of `count` elements of `elementType`, written by `each`. */
  list (id: number, elementType: number, count: number, each: (i: number) => void): void {
    this.field(id, 9)
    if (count < 15) this.bytes.push((count << 4) | elementType)
    else {
      this.bytes.push(0xf0 | elementType)
      this.varint(BigInt(count))
    }
    for (let i = 0; i < count; i++) each(i)
  }

  /** A struct (as a field, or as a list element when `id` is undefined). */
  struct (id: number | undefined, body: () => void): void {
    if (id !== undefined) this.field(id, 12)
    this.lastField.push(0)
    body()
    this.bytes.push(0)
    this.lastField.pop()
  }
}

function plainValues (column: ParquetColumn): Uint8Array {
  if (column.type === 'string') {
    const parts = column.values.map(v => new TextEncoder().encode(v))
    const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0))
    const view = new DataView(out.buffer)
    let at = 0
    for (const part of parts) {
      view.setUint32(at, part.byteLength, true)
      out.set(part, at + 4)
      at += 4 + part.byteLength
    }
    return out
  }
  const width = column.type === 'int32' ? 4 : 8
  const out = new Uint8Array(column.values.length * width)
  const view = new DataView(out.buffer)
  column.values.forEach((v, i) => { if (column.type === 'int32') view.setInt32(i * 4, v, true); else view.setFloat64(i * 8, v, true) })
  return out
}

const PHYSICAL = { int32: 1, double: 5, string: 6 } as const

/** Write a Parquet file of the given columns (all the same length). */
export function writeParquet (columns: readonly ParquetColumn[]): Uint8Array {
  const rows = columns[0]?.values.length ?? 0
  const chunks: Uint8Array[] = [new TextEncoder().encode('PAR1')]
  let offset = 4
  const placed: Array<{ column: ParquetColumn, offset: number, size: number }> = []
  for (const column of columns) {
    const data = plainValues(column)
    const header = new CompactWriter()
    header.i32(1, 0) // DATA_PAGE
    header.i32(2, data.byteLength)
    header.i32(3, data.byteLength)
    header.struct(5, () => {
      header.i32(1, rows)
      header.i32(2, 0) // PLAIN
      header.i32(3, 3) // RLE (no levels: REQUIRED)
      header.i32(4, 3)
    })
    header.bytes.push(0)
    const page = new Uint8Array(header.bytes.length + data.byteLength)
    page.set(header.bytes)
    page.set(data, header.bytes.length)
    placed.push({ column, offset, size: page.byteLength })
    chunks.push(page)
    offset += page.byteLength
  }
  const meta = new CompactWriter()
  meta.i32(1, 1)
  meta.list(2, 12, columns.length + 1, i => {
    meta.struct(undefined, () => {
      const column = columns[i - 1]
      if (column === undefined) {
        meta.string(4, 'schema')
        meta.i32(5, columns.length)
        return
      }
      meta.i32(1, PHYSICAL[column.type])
      meta.i32(3, 0) // REQUIRED
      meta.string(4, column.name)
      if (column.type === 'string') meta.i32(6, 0) // UTF8
    })
  })
  meta.i64(3, rows)
  meta.list(4, 12, 1, () => {
    meta.struct(undefined, () => {
      meta.list(1, 12, placed.length, i => {
        const { column, offset: at, size } = placed[i] ?? { column: columns[0] as ParquetColumn, offset: 0, size: 0 }
        meta.struct(undefined, () => {
          meta.i64(2, at)
          meta.struct(3, () => {
            meta.i32(1, PHYSICAL[column.type])
            meta.list(2, 5, 1, () => { meta.zigzag(0) })
            meta.list(3, 8, 1, () => { const name = new TextEncoder().encode(column.name); meta.varint(BigInt(name.byteLength)); meta.bytes.push(...name) })
            meta.i32(4, 0) // UNCOMPRESSED
            meta.i64(5, rows)
            meta.i64(6, size)
            meta.i64(7, size)
            meta.i64(9, at)
          })
        })
      })
      meta.i64(2, placed.reduce((n, p) => n + p.size, 0))
      meta.i64(3, rows)
    })
  })
  meta.string(6, 'ipfs-kit test/support/parquet-writer.ts')
  meta.bytes.push(0)
  const footer = new Uint8Array(meta.bytes)
  const length = new Uint8Array(4)
  new DataView(length.buffer).setUint32(0, footer.byteLength, true)
  chunks.push(footer, length, new TextEncoder().encode('PAR1'))
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}
