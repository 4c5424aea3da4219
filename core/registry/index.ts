/**
 * @packageDocumentation
 *
 * The model and dataset registry: named models and datasets with numbered versions (each a root CID and its record),
 * aliases such as `production` that move with their history kept, `name@alias` / `name@3` references, lineage between
 * versions walked both ways, and model cards' YAML front matter. docs/REGISTRY.md shows it end to end.
 *
 * @example
 * ```ts
 * const registry = await Registry.open({ datastore })
 * const v1 = await registry.register({ kind: 'model', name: 'embedder', cid, size: 1234, files: 3, by: 'me' })
 * await registry.setAlias('model', 'embedder', 'production', v1.version, 'me')
 * registry.resolve('model', 'embedder@production')
 * ```
 */
export { Registry } from './registry.ts'
export type { RegisterInput, RegistryChange } from './registry.ts'
export { parseReference, formatReference } from './reference.ts'
export type { RegistryReference } from './reference.ts'
export { parseCardFrontMatter, renderCard } from './card.ts'
export { walkLineage, findCycle, versionId } from './lineage.ts'
export type { LineageGraph, LineageNode, LineageEdge, LineageSource } from './lineage.ts'
export * from './errors.ts'
export * from './types.ts'
export { readDatasetFile, previewDatasetFile, datasetFormatOf, splitOf } from './dataset-files.ts'
export type { DatasetFormat, RangedFile, DatasetFileFacts } from './dataset-files.ts'
export { readRoot, readDataset, listFiles, rangedFile } from './read-root.ts'
export type { ContentReader, RootFacts, RootFile } from './read-root.ts'
export { runPipeline, pipelineFiles, pipelineSpecSchema, pipelineStepSchema, canonicalJson, stripHtml, MAP_FUNCTIONS } from './pipeline.ts'
export type { PipelineSpec, SplitRow } from './pipeline.ts'
export { signValue, verifyValue, signedBytes } from './signing.ts'
export type { RecordSigner, RecordVerifier } from './signing.ts'
