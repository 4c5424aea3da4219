import { InvalidRangeError } from '../../core/errors/index.ts'

/** A satisfiable single byte range. */
export interface ByteRange {
  offset: number
  length: number
}

/**
 * Parse an HTTP `Range` header (`bytes=` ranges; suffix ranges allowed) against a size, as RFC 9110 § 14.2 says: a
 * header in another unit or not well formed is ignored (`undefined`: the whole representation, 200), and multiple
 * ranges are answered with the first only. A well-formed but unsatisfiable range throws {@link InvalidRangeError}
 * (416, whose answer carries `Content-Range: bytes *\/size`: see {@link unsatisfiableRange}).
 */
export function parseRange (header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined
  const match = /^bytes=[ \t]*(\d*)-(\d*)[ \t]*(?:,.*)?$/.exec(header.trim())
  if (match === null) return undefined
  const [, startText = '', endText = ''] = match
  if (startText === '' && endText === '') return undefined
  if (startText === '') {
    const suffix = Math.min(Number(endText), size)
    if (suffix === 0) throw unsatisfiableRange(header, size)
    return { offset: size - suffix, length: suffix }
  }
  const start = Number(startText)
  const end = endText === '' ? size - 1 : Math.min(Number(endText), size - 1)
  if (endText !== '' && Number(endText) < start) return undefined // last < first: not a valid range, ignored
  if (start >= size) throw unsatisfiableRange(header, size)
  return { offset: start, length: end - start + 1 }
}

/** A range past the end: 416, with the size the client should have asked within. */
export function unsatisfiableRange (header: string, size: number): InvalidRangeError {
  return Object.assign(new InvalidRangeError(`range ${header} is outside a ${size} byte file`), { size })
}
