/**
 * Parquet fixtures for tests and benchmarks, written with `hyparquet-writer` (by hyparquet's author; the reader the
 * registry uses is hyparquet), with its default row groups (1k rows, then 100k each), the columns' values as given.
 */
import { parquetWriteBuffer } from 'hyparquet-writer'

/** A column: its name, its type, and one value per row. */
export type ParquetColumn =
  | { name: string, type: 'int32', values: number[] }
  | { name: string, type: 'double', values: number[] }
  | { name: string, type: 'string', values: string[] }

const TYPES = { int32: 'INT32', double: 'DOUBLE', string: 'STRING' } as const

/** Write a Parquet file of the given columns (all the same length). */
export function writeParquet (columns: readonly ParquetColumn[]): Uint8Array {
  return new Uint8Array(parquetWriteBuffer({
    columnData: columns.map(column => ({ name: column.name, data: column.values, type: TYPES[column.type], nullable: false }))
  }))
}
