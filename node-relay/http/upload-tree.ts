import { InvalidInputError } from '../../core/errors/index.ts'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

/**
 * The paths of a multipart upload, checked as they arrive: each part names a file by a relative path with no
 * control characters, no `.`/`..` segments and no empty segments; two parts cannot name the same file, and a name
 * cannot be both a file and a directory (`a` and `a/b`). Anything else would be silently dropped or merged by the
 * UnixFS importer, so it is refused with 400 instead.
 */
export class UploadTree {
  private readonly files = new Set<string>()
  private readonly dirs = new Set<string>()

  /** Check one part's filename and return its clean path. */
  add (filename: string | undefined): string {
    const path = (filename ?? '').replace(/^\/+/, '')
    if (path === '') throw new InvalidInputError('every multipart file needs a filename (its path in the upload)')
    if (CONTROL.test(path)) throw new InvalidInputError(`the file name "${path.replace(CONTROL, '?')}" holds a control character`)
    const segments = path.split('/')
    if (segments.some(s => s === '' || s === '.' || s === '..')) throw new InvalidInputError(`the file name "${path}" has an empty, "." or ".." segment`)
    if (this.files.has(path)) throw new InvalidInputError(`two parts are both named "${path}"`)
    if (this.dirs.has(path)) throw new InvalidInputError(`"${path}" is both a file and a directory in this upload`)
    for (let i = 1; i < segments.length; i++) {
      const dir = segments.slice(0, i).join('/')
      if (this.files.has(dir)) throw new InvalidInputError(`"${dir}" is both a file and a directory in this upload`)
      this.dirs.add(dir)
    }
    this.files.add(path)
    return path
  }

  /** Files seen so far. */
  get size (): number {
    return this.files.size
  }
}
