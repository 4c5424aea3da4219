import { InvalidReferenceError } from './errors.ts'
import { ALIAS_PATTERN, NAME_PATTERN } from './types.ts'

/** A parsed `name`, `name@3` or `name@production`. */
export interface RegistryReference {
  name: string
  /** A version number, an alias, or `latest` (the highest version, also what a bare name means). */
  selector: { version: number } | { alias: string } | { latest: true }
}

/**
 * Parse a registry reference: `name` (the latest version), `name@<n>` (version n) or `name@<alias>`; `name@latest`
 * is the highest version unless an alias named `latest` was set. Throws `ERR_INVALID_REFERENCE` naming the part at fault.
 *
 * @example
 * ```ts
 * parseReference('embedder@production') // { name: 'embedder', selector: { alias: 'production' } }
 * ```
 */
export function parseReference (text: string): RegistryReference {
  const at = text.indexOf('@')
  const name = at === -1 ? text : text.slice(0, at)
  if (!NAME_PATTERN.test(name)) throw new InvalidReferenceError(`"${text}": "${name}" is not a registry name (letters, digits, . _ -, at most 100)`)
  if (at === -1) return { name, selector: { latest: true } }
  const selector = text.slice(at + 1)
  if (/^\d+$/.test(selector)) {
    const version = Number(selector)
    if (!Number.isSafeInteger(version) || version < 1) throw new InvalidReferenceError(`"${text}": versions start at 1`)
    return { name, selector: { version } }
  }
  if (!ALIAS_PATTERN.test(selector)) throw new InvalidReferenceError(`"${text}": "${selector}" is neither a version number nor an alias name`)
  return { name, selector: { alias: selector } }
}

/** `name@version`, the canonical way to write one version. */
export function formatReference (name: string, version: number): string {
  return `${name}@${version}`
}
