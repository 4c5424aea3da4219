import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { HUB_REPO_PATTERN, HuggingFaceBackend } from '../../storage/huggingface/index.ts'
import { storageOf } from '../components.ts'
import type { OperationComponents } from '../operation.ts'

/** A `namespace/name` Hub repo field. */
export const hubRepoField = (description: string): z.ZodString => z.string().regex(HUB_REPO_PATTERN, 'a Hub repo id: namespace/name').max(200).describe(description)

/** The `backend` field: which configured Hugging Face backend's Hub URL and token to use. */
export const hubBackendField = z.string().min(1).max(64).optional().describe('a configured huggingface backend whose Hub URL and token are used (default: the first one configured)')

/**
 * The configured Hugging Face backend called `name` (or the first one): `ERR_NOT_FOUND` for an unknown name,
 * `ERR_INVALID_INPUT` when it is another kind of backend or none is configured.
 */
export function huggingfaceBackendOf (components: OperationComponents, name: string | undefined): HuggingFaceBackend {
  const storage = storageOf(components)
  const backend = name === undefined ? storage.list().find(b => b instanceof HuggingFaceBackend) : storage.backend(name)
  if (backend === undefined) throw new InvalidInputError('no huggingface backend is configured (storage.backends[] with kind "huggingface" gives the Hub URL and token)')
  if (!(backend instanceof HuggingFaceBackend)) throw new InvalidInputError(`backend "${backend.name}" is a ${backend.kind} backend, not huggingface`)
  return backend
}
