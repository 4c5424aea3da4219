import type { AnyOperation } from './operation.ts'

/**
 * An operation's REST path with its `:params` filled from `input` (each path segment URL-encoded; a subpath
 * operation's `<cid>/path/inside` keeps its slashes), and the input fields left for the query string or body.
 *
 * @example
 * ```ts
 * restPathOf(ipfsCat, { cid: 'bafy…/docs/a.md', offset: 6 }) // { path: '/api/v1/cat/bafy…/docs/a.md', rest: { offset: 6 } }
 * ```
 */
export function restPathOf (op: AnyOperation, input: Record<string, unknown>): { path: string, rest: Record<string, unknown> } {
  const params = new Set<string>()
  const path = op.rest.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    params.add(name)
    return String(input[name]).split('/').map(encodeURIComponent).join('/')
  })
  const rest = Object.fromEntries(Object.entries(input).filter(([name, value]) => !params.has(name) && value !== undefined))
  return { path, rest }
}
