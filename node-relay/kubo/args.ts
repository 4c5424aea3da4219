import { InvalidInputError } from '../../core/errors/index.ts'
import type { FastifyRequest } from 'fastify'

/** Kubo's query string: `arg` may repeat; flags are `true`/`false` (or present without a value). */
export type KuboQuery = Record<string, string | string[] | undefined>

/** Every `arg` of a call. */
export function argsOf (request: FastifyRequest): string[] {
  const arg = (request.query as KuboQuery).arg
  return arg === undefined ? [] : Array.isArray(arg) ? arg : [arg]
}

/** The one `arg` a command needs; `ERR_INVALID_INPUT` (400, as Kubo's "argument is required") when missing. */
export function argOf (request: FastifyRequest, what: string): string {
  const [first] = argsOf(request)
  if (first === undefined || first === '') throw new InvalidInputError(`argument "${what}" is required`)
  return first.replace(/^\/ipfs\//, '')
}

/** A flag: `?pin=false` is false, `?pin`, `?pin=true` are true, absent is `fallback`. */
export function flagOf (request: FastifyRequest, name: string, fallback: boolean): boolean {
  const value = (request.query as KuboQuery)[name]
  const one = Array.isArray(value) ? value.at(-1) : value
  if (one === undefined) return fallback
  if (one === '' || one === 'true' || one === '1') return true
  if (one === 'false' || one === '0') return false
  throw new InvalidInputError(`option "${name}" expects true or false, got "${one}"`)
}

/** A non-negative integer option, or undefined. */
export function numberOf (request: FastifyRequest, name: string): number | undefined {
  const value = (request.query as KuboQuery)[name]
  const one = Array.isArray(value) ? value.at(-1) : value
  if (one === undefined || one === '') return undefined
  const n = Number(one)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidInputError(`option "${name}" expects a non-negative integer, got "${one}"`)
  return n
}

/** A string option, or undefined. */
export function stringOf (request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as KuboQuery)[name]
  return Array.isArray(value) ? value.at(-1) : value
}
