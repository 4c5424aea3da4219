import { mkdir, open, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { StorageError } from '../../core/errors/index.ts'

/** The lock on a data directory: release it when the relay stops. */
export interface RepoLock {
  path: string
  release: () => Promise<void>
}

/** Lock files this process holds (two relays in one process must not share a directory either). */
const held = new Set<string>()

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return err instanceof Error && 'code' in err && err.code === 'EPERM'
  }
}

/**
 * Take `<dataDir>/repo.lock` (holding our pid) so two relays never share a data directory: opening the filesystem
 * blockstore empties its `tmp/`, which would cut another live process's writes short. A lock left by a process that
 * no longer runs (kill -9) is taken over, and so is one holding our own pid that this process did not take: in a
 * container the relay is always pid 1, so the lock of a container killed before it released it names us.
 */
export async function lockRepo (dataDir: string): Promise<RepoLock> {
  await mkdir(dataDir, { recursive: true })
  const path = join(dataDir, 'repo.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      held.add(path)
      return {
        path,
        release: async () => {
          held.delete(path)
          await rm(path, { force: true })
        }
      }
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw new StorageError(`cannot lock ${dataDir}: ${String(err)}`, { cause: err })
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim())
      const ours = holder === process.pid
      if (Number.isInteger(holder) && holder > 0 && (ours ? held.has(path) : alive(holder))) {
        throw new StorageError(`data directory ${dataDir} is in use by another ipfs-kit process (pid ${holder})`)
      }
      await rm(path, { force: true })
    }
  }
  throw new StorageError(`cannot lock ${dataDir}`)
}
