import type { z } from 'zod'
import { InvalidInputError } from '../../core/errors/index.ts'
import type { AnyOperation } from './operation.ts'

/** The kind of value an input field holds, looking through optional/default/nullable wrappers. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'array' | 'record' | 'other'

interface ZodDefLike { type: string, innerType?: z.ZodType }

/** What kind of value `schema` takes (surfaces that carry text, query strings and CLI flags, convert to it). */
export function fieldKind (schema: z.ZodType): FieldKind {
  let def = schema._zod.def as unknown as ZodDefLike
  while ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType !== undefined) {
    def = def.innerType._zod.def
  }
  switch (def.type) {
    case 'string': case 'enum': case 'literal': return 'string'
    case 'number': case 'int': return 'number'
    case 'boolean': return 'boolean'
    case 'array': return 'array'
    case 'record': return 'record'
    default: return 'other'
  }
}

/** Whether the field may be left out. */
export function isOptionalField (schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success
}

/** The description of a field (zod's `.describe`, on the field or on what `.optional()` wraps), or ''. */
export function descriptionOf (schema: z.ZodType): string {
  let current: z.ZodType | undefined = schema
  while (current !== undefined) {
    if (current.description !== undefined) return current.description
    current = (current._zod.def as unknown as ZodDefLike).innerType
  }
  return ''
}

/**
 * Turn text values (query strings, CLI flags) into the kinds the input schema takes: numbers, booleans, and lists
 * (comma-separated or repeated). Anything that does not convert is left for the schema to refuse, by name.
 */
export function coerceTextInput (op: AnyOperation, raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const shape = inputFields(op)
  for (const [key, value] of Object.entries(raw)) {
    const field = shape[key]
    if (field === undefined || value === undefined) {
      out[key] = value
      continue
    }
    const kind = fieldKind(field)
    if (kind === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) out[key] = Number(value)
    else if (kind === 'boolean' && (value === 'true' || value === 'false')) out[key] = value === 'true'
    else if (kind === 'boolean' && value === '') out[key] = true
    else if (kind === 'array' && typeof value === 'string') out[key] = value === '' ? [] : value.split(',')
    else out[key] = value
  }
  return out
}

/** Describe a zod failure the way every surface reports it: `field: problem; other: problem`. */
export function describeIssues (error: z.ZodError): string {
  return error.issues.map(issue => {
    const path = issue.path.map(String).join('.')
    return path === '' ? issue.message : `${path}: ${issue.message}`
  }).join('; ')
}

/**
 * Validate `raw` against the operation's input; `ERR_INVALID_INPUT` naming each bad field. `strict` refuses unknown
 * fields (JSON bodies: a misspelt field is a mistake); query strings drop them (caches and proxies add their own).
 */
export function parseInput (op: AnyOperation, raw: unknown, strict: boolean): z.output<AnyOperation['input']> {
  if (op.parse !== undefined) return op.parse(raw ?? {})
  const parsed = (strict ? op.input.strict() : op.input).safeParse(raw ?? {})
  if (!parsed.success) throw new InvalidInputError(`invalid input for ${op.name}: ${describeIssues(parsed.error)}`)
  return parsed.data
}

/** The input fields of an operation, by name. */
export function inputFields (op: AnyOperation): Record<string, z.ZodType> {
  return op.input.shape
}

/** The CLI flag of an input field, without dashes: the binding's rename, else the field in kebab-case. */
export function flagNameOf (op: AnyOperation, field: string): string {
  return op.cli?.flags?.[field] ?? field.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)
}
