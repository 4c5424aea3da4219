import { z } from 'zod'

/** What the registry holds: models, and the datasets they are trained on. Each kind has its own names. */
export const registryKinds = ['model', 'dataset'] as const

/** A registry kind. */
export type RegistryKind = typeof registryKinds[number]

/** A model or dataset name: letters, digits, `.`, `_`, `-`; 1–100 characters, starting with a letter or digit. */
export const NAME_PATTERN = /^[A-Za-z0-9][\w.-]{0,99}$/

/** An alias name: as a name, but not all digits (those are version numbers). */
export const ALIAS_PATTERN = /^(?!\d+$)[A-Za-z0-9][\w.-]{0,63}$/

/** One input a version was made from, as registered: resolved to the CID it was at the time. */
export const lineageInputSchema = z.object({
  cid: z.string().describe('CID of the input (a version\'s root, a file, training code)'),
  role: z.string().optional().describe('what it was used as, e.g. train-data, base-model, code, config'),
  kind: z.enum(registryKinds).optional().describe('registry kind when the input is a registered version'),
  name: z.string().optional().describe('registered name when the input is a registered version'),
  version: z.number().int().optional().describe('registered version number when the input is a registered version')
})

/** A resolved lineage input. */
export type LineageInput = z.infer<typeof lineageInputSchema>

/** One file of a dataset version: where it sits, its split, and what its reader found. */
export const datasetFileSchema = z.object({
  path: z.string().describe('path inside the version directory'),
  cid: z.string().describe('CID of the file'),
  size: z.number().describe('bytes'),
  format: z.enum(['parquet', 'csv', 'jsonl']).describe('file format'),
  split: z.string().describe('split it belongs to (train, validation, test, or the configured one)'),
  rows: z.number().describe('row count, read from the file'),
  columns: z.array(z.object({ name: z.string(), type: z.string() })).describe('schema: column names and types')
})

/** A dataset file as read. */
export type DatasetFile = z.infer<typeof datasetFileSchema>

/** A registered version: a UnixFS directory CID plus what was recorded about it. */
export const versionRecordSchema = z.object({
  kind: z.enum(registryKinds).describe('model or dataset'),
  name: z.string().describe('registered name'),
  version: z.number().int().min(1).describe('version number, 1 for the first'),
  cid: z.string().describe('root CID of the version (a UnixFS directory or file)'),
  registeredAt: z.string().describe('when it was registered (ISO 8601)'),
  registeredBy: z.string().describe('who registered it: the API key\'s name, or the relay\'s peer id'),
  size: z.number().describe('bytes of file content under the root'),
  files: z.number().describe('files under the root'),
  framework: z.string().optional().describe('e.g. onnx, pytorch, transformers'),
  format: z.string().optional().describe('e.g. onnx, safetensors, gguf, parquet'),
  description: z.string().optional().describe('one line about this version'),
  metrics: z.record(z.string(), z.number()).describe('evaluation metrics, e.g. { "accuracy": 0.91 }'),
  tags: z.array(z.string()).describe('free tags'),
  metadata: z.record(z.string(), z.unknown()).describe('free JSON metadata'),
  inputs: z.array(lineageInputSchema).describe('what it was made from (lineage)'),
  transform: z.string().optional().describe('what produced it from its inputs (a command, a pipeline spec CID)'),
  card: z.record(z.string(), z.unknown()).optional().describe('the model card\'s YAML front matter (README.md), when the directory has one'),
  origin: z.object({
    hub: z.string().describe('Hub base URL'),
    repo: z.string().describe('namespace/name of the repo'),
    repoType: z.enum(['model', 'dataset']).describe('repo type'),
    revision: z.string().describe('the revision asked for (a branch, tag or commit id)'),
    commit: z.string().describe('the Hub commit id the files were read at')
  }).optional().describe('where an imported version came from: the Hugging Face repo and the commit its files were read at'),
  dataset: z.object({
    files: z.array(datasetFileSchema),
    splits: z.record(z.string(), z.object({ rows: z.number(), files: z.number() }))
  }).optional().describe('datasets: files, splits and their row counts')
})

/** A registered version. */
export type VersionRecord = z.infer<typeof versionRecordSchema>

/** One position an alias held. */
export const aliasMoveSchema = z.object({
  version: z.number().int().describe('the version it pointed at'),
  setAt: z.string().describe('when (ISO 8601)'),
  setBy: z.string().describe('who moved it')
})

/** An alias (`production`, `staging`, any name) and every version it pointed at, oldest first. */
export const aliasRecordSchema = z.object({
  kind: z.enum(registryKinds),
  name: z.string(),
  alias: z.string().describe('alias name'),
  version: z.number().int().describe('the version it points at now'),
  setAt: z.string().describe('when it was last moved'),
  setBy: z.string().describe('who last moved it'),
  history: z.array(aliasMoveSchema).describe('every move, oldest first (the last is the current one)')
})

/** An alias with its history. */
export type AliasRecord = z.infer<typeof aliasRecordSchema>

/** What a registry entry (one name) holds: its versions and aliases. */
export interface RegistryEntry {
  kind: RegistryKind
  name: string
  versions: Map<number, VersionRecord>
  aliases: Map<string, AliasRecord>
}

/** A record's signature: the peer id of the relay that wrote it and its signature over the canonical JSON. */
export const recordSignatureSchema = z.object({
  by: z.string().describe('peer id of the relay that wrote the record'),
  sig: z.string().describe('signature (base64) over the canonical JSON of { type, record }')
})

/** A record's signature. */
export type RecordSignature = z.infer<typeof recordSignatureSchema>

/** A stored registry value, as it is persisted and replicated (one key each), with the writer's signature when signed. */
export type StoredValue = ({ type: 'version', record: VersionRecord } | { type: 'alias', record: AliasRecord }) & { signature?: RecordSignature }
