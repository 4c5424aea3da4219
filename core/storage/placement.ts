import { InvalidInputError } from '../errors/index.ts'

/** A rule of a placement policy: content of at least `minBytes` also goes to `backends`. */
export interface PlacementRule {
  minBytes: number
  backends: string[]
}

/**
 * Where copies go when `put` names no backends: `default` for everything, plus the backends of every `bySize`
 * rule the content's size reaches. The local copy is always kept and is not listed here.
 */
export interface PlacementPolicy {
  default: string[]
  bySize?: PlacementRule[]
}

/** No copies beyond the local one. */
export const LOCAL_ONLY: PlacementPolicy = { default: [] }

/**
 * The backends a DAG of `size` bytes is placed on: `requested` when given (per-content placement), else the policy.
 * Unknown names are `ERR_INVALID_INPUT`; duplicates and the local backend are dropped.
 *
 * @example
 * ```ts
 * choosePlacement({ default: ['s3'], bySize: [{ minBytes: 1e9, backends: ['hf'] }] }, { size: 2e9, known, local: 'local' })
 * // ['s3', 'hf']
 * ```
 */
export function choosePlacement (policy: PlacementPolicy, input: { size: number, requested?: string[], known: ReadonlySet<string>, local: string }): string[] {
  const chosen = input.requested ?? [
    ...policy.default,
    ...(policy.bySize ?? []).filter(rule => input.size >= rule.minBytes).flatMap(rule => rule.backends)
  ]
  const unknown = chosen.filter(name => !input.known.has(name))
  if (unknown.length > 0) throw new InvalidInputError(`unknown backend(s): ${unknown.join(', ')} (configured: ${[...input.known].join(', ')})`)
  return [...new Set(chosen)].filter(name => name !== input.local)
}
