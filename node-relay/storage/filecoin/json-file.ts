import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * One JSON value kept in a file, for the Filecoin backend's small records (copies, provider history, spending):
 * read once, written atomically (a temp file beside it, then a rename: a crash leaves the old file whole), one
 * write at a time in call order. Without a path it keeps nothing (the records live in memory only).
 */
export class JsonFile<T> {
  private readonly path: string | undefined
  private writing: Promise<void> = Promise.resolve()

  /** @param path - the JSON file; nothing is read or written when absent */
  constructor (path: string | undefined) {
    this.path = path
  }

  /** The value in the file; undefined when there is no path or no file yet. */
  async read (): Promise<T | undefined> {
    if (this.path === undefined) return undefined
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  /** Write `value` (serialised now, so later changes to it are not written by this call) after earlier writes. */
  async write (value: T): Promise<void> {
    const path = this.path
    if (path === undefined) return
    const text = JSON.stringify(value)
    this.writing = this.writing.catch(() => undefined).then(async () => {
      await mkdir(dirname(path), { recursive: true })
      const temp = `${path}.${process.pid}.tmp`
      await writeFile(temp, text)
      await rename(temp, path)
    })
    await this.writing
  }
}
