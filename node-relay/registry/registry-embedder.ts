import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { listFiles } from '../../core/registry/index.ts'
import type { Embedder } from '../../core/search/embedder.ts'
import type { ContentReader, Registry } from '../../core/registry/index.ts'

/** What {@link loadRegistryEmbedder} needs. */
export interface RegistryEmbedderInit {
  registry: Registry
  content: ContentReader
  /** A model reference, e.g. `embedder@production`. */
  ref: string
  /** Where version directories are written, one folder per root CID (`<dataDir>/models`). */
  cacheDir: string
  signal?: AbortSignal
}

/**
 * Write a registered version's directory to `<cacheDir>/<cid>` (read from the content store, every block verified),
 * unless it is there already: a folder named by its CID never needs refreshing. Written to a temporary folder and
 * renamed, so a crash leaves no half-written model behind. Returns the folder name (the CID).
 */
export async function exportVersion (content: ContentReader, cid: string, cacheDir: string, signal?: AbortSignal): Promise<string> {
  const target = join(cacheDir, cid)
  if (await stat(target).then(() => true, () => false)) return cid
  const staging = `${target}.partial-${process.pid}`
  await rm(staging, { recursive: true, force: true })
  try {
    for (const file of await listFiles(content, cid, { signal })) {
      const path = join(staging, file.path)
      await mkdir(dirname(path), { recursive: true })
      const chunks: Uint8Array[] = []
      for await (const chunk of content.cat(file.cid, { signal })) chunks.push(chunk)
      await writeFile(path, chunks)
    }
    await rename(staging, target)
  } catch (err) {
    await rm(staging, { recursive: true, force: true })
    throw err
  }
  return cid
}

/**
 * The search embedder from the registry: resolve `ref` (`embedder@production`), write that version's directory
 * (config.json, tokenizer, onnx/model.onnx) under `cacheDir`, and load it with transformers.js as a local model.
 * Promoting another version to the alias changes what the next start loads.
 */
export async function loadRegistryEmbedder (init: RegistryEmbedderInit): Promise<{ embedder: Embedder, version: number, cid: string }> {
  const record = init.registry.resolve('model', init.ref)
  const model = await exportVersion(init.content, record.cid, init.cacheDir, init.signal)
  const { createTransformersEmbedder } = await import('../search/transformers-embedder.ts')
  return { embedder: await createTransformersEmbedder({ dir: init.cacheDir, model }), version: record.version, cid: record.cid }
}
