import { defineError } from '../errors/index.ts'

/** A name exists but has no such version, or an alias names a version that does not exist (`ERR_VERSION_NOT_FOUND`, 404). */
export const VersionNotFoundError = defineError('ERR_VERSION_NOT_FOUND', 'VersionNotFoundError')

/** A reference that is not `name`, `name@<version>` or `name@<alias>` (`ERR_INVALID_REFERENCE`, 400). */
export const InvalidReferenceError = defineError('ERR_INVALID_REFERENCE', 'InvalidReferenceError')

/** Declared inputs that would make a version its own ancestor (`ERR_LINEAGE_CYCLE`, 409). */
export const LineageCycleError = defineError('ERR_LINEAGE_CYCLE', 'LineageCycleError')

/** A version that other versions were derived from, removed without `force` (`ERR_HAS_DEPENDENTS`, 409). */
export const HasDependentsError = defineError('ERR_HAS_DEPENDENTS', 'HasDependentsError')

/** A model card (README.md) whose YAML front matter does not parse, or is not a mapping (`ERR_INVALID_CARD`, 400). */
export const InvalidCardError = defineError('ERR_INVALID_CARD', 'InvalidCardError')

/** A dataset file that its reader cannot parse (a broken Parquet footer, a JSONL line that is not JSON) (`ERR_INVALID_DATASET`, 422). */
export const InvalidDatasetError = defineError('ERR_INVALID_DATASET', 'InvalidDatasetError')
