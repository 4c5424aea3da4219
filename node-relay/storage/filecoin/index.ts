export { FilecoinBackend, createFilecoinBackend, type FilecoinBackendInit } from './backend.ts'
export { CopyStore, type CopyRecord, type CopyState, type RootRecord } from './copies.ts'
export { PieceMismatchError } from './errors.ts'
export { filecoinBackendSchema, filecoinInitFromConfig, type FilecoinBackendConfig } from './config.ts'
