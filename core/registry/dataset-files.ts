import { parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet'
import { InvalidDatasetError } from './errors.ts'
import type { AsyncBuffer, FileMetaData, SchemaElement } from 'hyparquet'

/** The dataset file formats the registry reads. */
export type DatasetFormat = 'parquet' | 'csv' | 'jsonl'

/** A file to read by byte range (the relay reads UnixFS files by offset and length, verified block by block). */
export interface RangedFile {
  path: string
  size: number
  read: (offset: number, length: number) => Promise<Uint8Array>
}

/** What a file's reader found: rows and schema. */
export interface DatasetFileFacts {
  rows: number
  columns: Array<{ name: string, type: string }>
}

/** The format of a file by its name, or undefined for files the registry does not read (README.md, images). */
export function datasetFormatOf (path: string): DatasetFormat | undefined {
  const lower = path.toLowerCase()
  if (lower.endsWith('.parquet')) return 'parquet'
  if (lower.endsWith('.csv')) return 'csv'
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl'
  return undefined
}

const SPLIT_WORDS: Record<string, string> = { train: 'train', training: 'train', validation: 'validation', valid: 'validation', val: 'validation', dev: 'validation', test: 'test', testing: 'test' }

/**
 * The split a file belongs to by the Hugging Face naming conventions: a path segment or a file name starting with
 * `train`, `validation`/`valid`/`val`/`dev` or `test` (`data/train-00000-of-00002.parquet`, `test.csv`); any other file
 * is in `train`, as the Hub does.
 */
export function splitOf (path: string): string {
  for (const segment of path.toLowerCase().split('/').reverse()) {
    const word = /^([a-z]+)/.exec(segment)?.[1]
    if (word !== undefined && SPLIT_WORDS[word] !== undefined) return SPLIT_WORDS[word]
  }
  return 'train'
}

function asyncBuffer (file: RangedFile): AsyncBuffer {
  return {
    byteLength: file.size,
    slice: async (start, end) => {
      const bytes = await file.read(start, (end ?? file.size) - start)
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    }
  }
}

/** A Parquet column's type as people read it: the logical type (STRING, DATE…), else the physical one (INT32…). */
function typeName (element: SchemaElement): string {
  if (element.logical_type !== undefined) return element.logical_type.type
  if (element.converted_type === 'UTF8') return 'STRING'
  return element.converted_type ?? element.type ?? 'GROUP'
}

/**
 * First read of a Parquet footer: hyparquet's default is 512 KiB, which over UnixFS means hashing the last one or two
 * 1 MiB leaves to verify them; footers are usually a few KiB, and hyparquet reads again when one is larger.
 */
const FOOTER_FETCH_BYTES = 64 * 1024

async function parquetMetadataOf (file: RangedFile): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(asyncBuffer(file), { initialFetchSize: FOOTER_FETCH_BYTES })
  } catch (err) {
    throw new InvalidDatasetError(`${file.path}: not a readable Parquet file (${err instanceof Error ? err.message : String(err)})`)
  }
}

/** Every line of a text file, read in 1 MiB ranges (a line split across two ranges is joined). */
async function * linesOf (file: RangedFile): AsyncGenerator<string> {
  const step = 1 << 20
  const textDecoder = new TextDecoder()
  let carry = ''
  for (let offset = 0; offset < file.size; offset += step) {
    const bytes = await file.read(offset, Math.min(step, file.size - offset))
    const text = carry + textDecoder.decode(bytes, { stream: offset + step < file.size })
    const lines = text.split('\n')
    carry = lines.pop() ?? ''
    yield * lines
  }
  if (carry !== '') yield carry
}

/** Split one CSV record (RFC 4180 quoting; a quoted field holding a newline is not supported and reads as two rows). */
function csvFields (line: string): string[] {
  const fields: string[] = []
  const field = { text: '', quoted: false }
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? ''
    if (field.quoted) {
      if (ch === '"' && line[i + 1] === '"') { field.text += '"'; i++ } else if (ch === '"') field.quoted = false
      else field.text += ch
    } else if (ch === '"') field.quoted = true
    else if (ch === ',') { fields.push(field.text); field.text = '' } else if (ch !== '\r') field.text += ch
  }
  fields.push(field.text)
  return fields
}

function jsonRow (line: string, path: string, lineNumber: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  } catch { /* reported below */ }
  throw new InvalidDatasetError(`${path}: line ${lineNumber} is not a JSON object`)
}

/** Rows and schema of a dataset file, read from the file itself (Parquet: its footer, with hyparquet). */
export async function readDatasetFile (file: RangedFile, format: DatasetFormat): Promise<DatasetFileFacts> {
  if (format === 'parquet') {
    const metadata = await parquetMetadataOf(file)
    const columns = parquetSchema(metadata).children.map(child => ({ name: child.element.name, type: typeName(child.element) }))
    return { rows: Number(metadata.num_rows), columns }
  }
  const seen = new Map<string, string>()
  const state = { rows: 0, line: 0 }
  for await (const line of linesOf(file)) {
    state.line++
    if (line.trim() === '') continue
    if (format === 'csv') {
      if (state.line === 1) for (const name of csvFields(line)) seen.set(name, 'string')
      else state.rows++
      continue
    }
    const row = jsonRow(line, file.path, state.line)
    state.rows++
    for (const [key, value] of Object.entries(row)) if (!seen.has(key)) seen.set(key, value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value)
  }
  return { rows: state.rows, columns: [...seen].map(([name, type]) => ({ name, type })) }
}

/** The first `limit` rows of a dataset file, as JSON objects (Parquet through hyparquet; BigInts as strings). */
export async function previewDatasetFile (file: RangedFile, format: DatasetFormat, limit: number): Promise<Array<Record<string, unknown>>> {
  if (format === 'parquet') {
    const metadata = await parquetMetadataOf(file)
    const rows = await parquetReadObjects({ file: asyncBuffer(file), metadata, rowStart: 0, rowEnd: Math.min(limit, Number(metadata.num_rows)) })
      .catch((err: unknown) => { throw new InvalidDatasetError(`${file.path}: cannot read its rows (${err instanceof Error ? err.message : String(err)})`) })
    return rows.map(row => JSON.parse(JSON.stringify(row, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v)) as Record<string, unknown>)
  }
  const out: Array<Record<string, unknown>> = []
  const state = { header: undefined as string[] | undefined, line: 0 }
  for await (const line of linesOf(file)) {
    state.line++
    if (out.length >= limit) break
    if (line.trim() === '') continue
    if (format === 'jsonl') out.push(jsonRow(line, file.path, state.line))
    else if (state.header === undefined) state.header = csvFields(line)
    else {
      const fields = csvFields(line)
      out.push(Object.fromEntries((state.header).map((name, i) => [name, fields[i] ?? null])))
    }
  }
  return out
}
