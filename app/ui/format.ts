export { formatBytes } from '../../core/format/bytes.ts'

/** A long id shortened for display: `bafybe…x7q4`. */
export function shortId (id: string, head = 8, tail = 6): string {
  return id.length <= head + tail + 1 ? id : `${id.slice(0, head)}…${id.slice(-tail)}`
}
