import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/** Read a snapshot file; undefined when there is none yet. */
export async function readSnapshotFile (path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path)
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined
    throw err
  }
}

/** Write a snapshot atomically: a temp file beside it, then a rename (a crash leaves the old snapshot whole). */
export async function writeSnapshotFile (path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`
  await writeFile(temp, bytes)
  await rename(temp, path)
}
