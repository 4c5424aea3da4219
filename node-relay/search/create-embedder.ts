import { createHashingEmbedder } from '../../core/search/hashing-embedder.ts'
import { InvalidInputError } from '../../core/errors/index.ts'
import type { Embedder } from '../../core/search/embedder.ts'
import type { RelayConfig } from '../config/schema.ts'

/**
 * The relay's embedder: the local ONNX model when `search.modelDir` and `search.model` are set (loaded with
 * `@huggingface/transformers`, imported only then), else the deterministic hashing embedder.
 */
export async function createRelayEmbedder (config: RelayConfig['search']): Promise<Embedder> {
  if (config.modelDir === undefined && config.model === undefined) return createHashingEmbedder()
  if (config.modelDir === undefined || config.model === undefined) throw new InvalidInputError('search.modelDir and search.model go together')
  const { createTransformersEmbedder } = await import('./transformers-embedder.ts')
  return createTransformersEmbedder({ dir: config.modelDir, model: config.model })
}
