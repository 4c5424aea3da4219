import { env, pipeline } from '@huggingface/transformers'
import { normalize } from '../../core/search/embedder.ts'
import { InvalidInputError } from '../../core/errors/index.ts'
import type { AbortOptions } from '../../core/abort.ts'
import type { Embedder } from '../../core/search/embedder.ts'

/** Where the model is and how to run it. */
export interface TransformersEmbedderInit {
  /** Directory holding model folders (`<dir>/<model>/config.json`, `tokenizer.json`, `onnx/model.onnx`). */
  dir: string
  /** Model folder name inside `dir`, e.g. `all-MiniLM-L6-v2`. */
  model: string
  /** ONNX weights variant (default `fp32`: `onnx/model.onnx`). */
  dtype?: 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4'
  /** Texts embedded per model call (default 16). */
  batchSize?: number
}

interface FeatureExtractor {
  (texts: string[], options: { pooling: 'mean', normalize: boolean }): Promise<{ dims: number[], data: ArrayLike<number> }>
}

/**
 * A real sentence-embedding model run with `@huggingface/transformers` (ONNX Runtime) from a local directory:
 * remote models are switched off, so nothing is downloaded at run time. Vectors are mean-pooled over tokens and
 * normalised; they capture meaning as well as the model does (`car` near `automobile` for a trained model).
 *
 * @example
 * ```ts
 * const embedder = await createTransformersEmbedder({ dir: '/models', model: 'all-MiniLM-L6-v2' })
 * ```
 */
export async function createTransformersEmbedder (init: TransformersEmbedderInit): Promise<Embedder> {
  env.allowRemoteModels = false
  env.allowLocalModels = true
  env.localModelPath = init.dir.endsWith('/') ? init.dir : `${init.dir}/`
  let extractor: FeatureExtractor
  try {
    extractor = await pipeline('feature-extraction', init.model, { dtype: init.dtype ?? 'fp32', device: 'cpu' }) as unknown as FeatureExtractor
  } catch (err) {
    throw new InvalidInputError(`cannot load embedding model ${init.model} from ${init.dir}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  const [probe] = await embedBatch(extractor, ['dimension probe'])
  const dimensions = probe?.length ?? 0
  const batchSize = init.batchSize ?? 16
  return {
    id: `transformers:${init.model}:${init.dtype ?? 'fp32'}:${dimensions}`,
    dimensions,
    embed: async (texts: string[], options?: AbortOptions) => {
      const out: Float32Array[] = []
      for (let i = 0; i < texts.length; i += batchSize) {
        options?.signal?.throwIfAborted()
        out.push(...await embedBatch(extractor, texts.slice(i, i + batchSize)))
      }
      return out
    }
  }
}

async function embedBatch (extractor: FeatureExtractor, texts: string[]): Promise<Float32Array[]> {
  if (texts.length === 0) return []
  // an empty string has no tokens besides the special ones; the model still answers, but keep input non-empty
  // normalised here, not by transformers.js: it divides a zero vector (a text of unknown tokens) by 0, giving NaN scores
  const output = await extractor(texts.map(text => text === '' ? ' ' : text), { pooling: 'mean', normalize: false })
  const dims = output.dims.at(-1) ?? 0
  const vectors: Float32Array[] = []
  for (let row = 0; row < texts.length; row++) vectors.push(normalize(Float32Array.from(Array.prototype.slice.call(output.data, row * dims, (row + 1) * dims) as number[])))
  return vectors
}
