import { InvalidArgumentError } from 'commander'

/** Commander parser of a non-negative integer option (`--offset 10`). */
export function nonNegativeInt (value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a non-negative integer')
  return n
}

/** Commander collector of repeated `key=value` options (`--meta a=1 --meta b=2`). */
export function keyValue (value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=')
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`)
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) }
}
