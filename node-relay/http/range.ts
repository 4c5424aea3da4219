import { InvalidRangeError } from '../../core/errors/index.ts'

/** A satisfiable single byte range. */
export interface ByteRange {
  offset: number
  length: number
}

/**
 * Parse an HTTP `Range` header (one `bytes=` range; suffix ranges allowed) against a size. Returns undefined for
 * no header, throws `ERR_INVALID_RANGE` (416) for an unsatisfiable or malformed one. Multi-range requests are
 * answered with the first range only, which RFC 9110 allows.
 */
export function parseRange (header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined || header === '') return undefined
  const match = /^bytes=(\d*)-(\d*)/.exec(header.trim())
  if (match === null) throw new InvalidRangeError(`malformed Range header "${header}"`)
  const [, startText = '', endText = ''] = match
  if (startText === '' && endText === '') throw new InvalidRangeError(`malformed Range header "${header}"`)
  if (startText === '') {
    const suffix = Math.min(Number(endText), size)
    if (suffix === 0) throw new InvalidRangeError('empty suffix range')
    return { offset: size - suffix, length: suffix }
  }
  const start = Number(startText)
  const end = endText === '' ? size - 1 : Math.min(Number(endText), size - 1)
  if (start >= size || end < start) throw new InvalidRangeError(`range ${header} is outside a ${size} byte file`)
  return { offset: start, length: end - start + 1 }
}
