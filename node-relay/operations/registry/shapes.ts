import { z } from 'zod'
import { aliasRecordSchema, registryKinds, versionRecordSchema } from '../../../core/registry/index.ts'
import type { RegistryEntry, VersionRecord } from '../../../core/registry/index.ts'
import type { RunOptions, OperationComponents } from '../operation.ts'

/** A `name`, `name@3` or `name@alias` reference field. */
export const refField = (description: string): z.ZodString => z.string().min(1).max(200).describe(description)

/** A registry kind field. */
export const kindField = z.enum(registryKinds).describe('model or dataset')

/** One version in a list: its number, root and when it was registered. */
export const versionSummary = z.object({
  version: z.number().describe('version number'),
  cid: z.string().describe('root CID'),
  registeredAt: z.string().describe('when it was registered'),
  registeredBy: z.string().describe('who registered it')
})

/** A registered name with its versions and aliases. */
export const entryShape = z.object({
  kind: kindField,
  name: z.string().describe('registered name'),
  latest: versionRecordSchema.describe('its highest version'),
  versions: z.array(versionSummary).describe('every version, oldest first'),
  aliases: z.array(aliasRecordSchema).describe('every alias with its history')
})

/** The answer of a get: the version a reference resolved to, and the rest of its name. */
export const resolvedShape = z.object({
  resolved: versionRecordSchema.describe('the version the reference names'),
  versions: z.array(versionSummary).describe('every version of the name, oldest first'),
  aliases: z.array(aliasRecordSchema).describe('every alias of the name, with its history')
})

/** An entry as {@link entryShape} describes it. */
export function entryOutput (entry: RegistryEntry): z.infer<typeof entryShape> {
  const versions = [...entry.versions.values()].sort((a, b) => a.version - b.version)
  const latest = versions[versions.length - 1] as VersionRecord
  return { kind: entry.kind, name: entry.name, latest, versions: versions.map(summary), aliases: [...entry.aliases.values()].sort((a, b) => a.alias.localeCompare(b.alias)) }
}

function summary (record: VersionRecord): z.infer<typeof versionSummary> {
  return { version: record.version, cid: record.cid, registeredAt: record.registeredAt, registeredBy: record.registeredBy }
}

/** A resolved version with its name's versions and aliases. */
export function resolvedOutput (entry: RegistryEntry, resolved: VersionRecord): z.infer<typeof resolvedShape> {
  const { versions, aliases } = entryOutput(entry)
  return { resolved, versions, aliases }
}

/** Who is registering or moving something: the caller's key name, else this relay's peer id. */
export function whoCalls (components: OperationComponents, options: RunOptions): string {
  return options.caller ?? components.service.id().peerId
}

/** `[role=]ref` as the surfaces take lineage inputs (`train-data=dataset:corpus@2`, `bafy…`). */
export function parseInputRefs (inputs: readonly string[] | undefined): Array<{ ref: string, role?: string }> {
  return (inputs ?? []).map(text => {
    const eq = text.indexOf('=')
    return eq === -1 ? { ref: text } : { ref: text.slice(eq + 1), role: text.slice(0, eq) }
  })
}

/** The common record fields a register or dataset add takes. */
export const recordFields = {
  description: z.string().max(1000).optional().describe('one line about this version'),
  tags: z.array(z.string().min(1).max(100)).optional().describe('free tags'),
  metadata: z.record(z.string().max(255), z.union([z.string(), z.number(), z.boolean()])).optional().describe('free key/value metadata'),
  inputs: z.array(z.string().min(1).max(300)).optional().describe('what it was made from: `[role=]ref` where ref is a CID or name@version (a dataset; `model:` prefix for a model), e.g. train-data=corpus@2'),
  transform: z.string().max(2000).optional().describe('what produced it from its inputs (a command, a pipeline spec)'),
  alias: z.string().max(64).optional().describe('point this alias (e.g. staging) at the new version')
}
