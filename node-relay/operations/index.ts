/**
 * @packageDocumentation
 *
 * Every operation, in the order the docs list them. A surface registers all of them; tests enumerate them.
 */
import { pinAdd } from './pins/pin-add.ts'
import { pinLs } from './pins/pin-ls.ts'
import { pinRm } from './pins/pin-rm.ts'
import { nodeId } from './node/node-id.ts'
import { swarmPeers } from './node/swarm-peers.ts'
import { clusterInfo } from './cluster/cluster-info.ts'
import { clusterPeers } from './cluster/cluster-peers.ts'
import { clusterPin } from './cluster/cluster-pin.ts'
import { clusterPins } from './cluster/cluster-pins.ts'
import { clusterRecover } from './cluster/cluster-recover.ts'
import { clusterCompact } from './cluster/cluster-compact.ts'
import { clusterStatus } from './cluster/cluster-status.ts'
import { clusterUnpin } from './cluster/cluster-unpin.ts'
import { backendList } from './storage/backend-list.ts'
import { backendStatus } from './storage/backend-status.ts'
import { storageFetch } from './storage/storage-fetch.ts'
import { storagePut } from './storage/storage-put.ts'
import { storageList } from './storage/storage-list.ts'
import { storageRefs } from './storage/storage-refs.ts'
import { search } from './search/search.ts'
import { searchStats } from './search/search-stats.ts'
import { keyCreate } from './admin/key-create.ts'
import { keyList } from './admin/key-list.ts'
import { keyRevoke } from './admin/key-revoke.ts'
import { auditLog } from './admin/audit-log.ts'
import { auditVerify } from './admin/audit-verify.ts'
import { blockStat } from './blocks/block-stat.ts'
import { ipfsLs } from './content/ipfs-ls.ts'
import { ipfsStat } from './content/ipfs-stat.ts'
import { clusterInvite } from './cluster/cluster-invite.ts'
import { clusterInvitations } from './cluster/cluster-invitations.ts'
import { clusterUninvite } from './cluster/cluster-uninvite.ts'
import { clusterJoin } from './cluster/cluster-join.ts'
import { ipfsAdd } from './content/ipfs-add.ts'
import { ipfsCat } from './content/ipfs-cat.ts'
import { carExport } from './content/car-export.ts'
import { carImport } from './content/car-import.ts'
import { blockGet } from './blocks/block-get.ts'
import { blockPut } from './blocks/block-put.ts'
import { dagGet } from './dag/dag-get.ts'
import { dagPut } from './dag/dag-put.ts'
import { storageGet } from './storage/storage-get.ts'
import { policyList } from './migration/policy-list.ts'
import { policyAdd } from './migration/policy-add.ts'
import { policyRm } from './migration/policy-rm.ts'
import { migrationPlan } from './migration/migration-plan.ts'
import { migrationStart } from './migration/migration-start.ts'
import { migrationStatus } from './migration/migration-status.ts'
import { migrationCancel, migrationPause, migrationResume } from './migration/migration-control.ts'
import { gc } from './migration/gc.ts'
import { modelRegister } from './registry/model-register.ts'
import { filecoinStatus } from './filecoin/filecoin-status.ts'
import { filecoinProviders } from './filecoin/filecoin-providers.ts'
import { filecoinCosts } from './filecoin/filecoin-costs.ts'
import { filecoinCopies } from './filecoin/filecoin-copies.ts'
import { filecoinRepair } from './filecoin/filecoin-repair.ts'
import { filecoinPayStatus } from './filecoin/filecoin-pay-status.ts'
import { filecoinPayDeposit } from './filecoin/filecoin-pay-deposit.ts'
import { filecoinPayApprove } from './filecoin/filecoin-pay-approve.ts'
import { stats } from './node/stats.ts'
import { modelSearch } from './registry/model-search.ts'
import { modelGet } from './registry/model-get.ts'
import { modelSetAlias } from './registry/model-set-alias.ts'
import { lineage } from './registry/lineage.ts'
import { datasetAdd } from './registry/dataset-add.ts'
import { datasetList } from './registry/dataset-list.ts'
import { datasetGet } from './registry/dataset-get.ts'
import { datasetPreview } from './registry/dataset-preview.ts'
import { datasetFile } from './registry/dataset-file.ts'
import { datasetRm } from './registry/dataset-rm.ts'
import { datasetRun } from './registry/dataset-run.ts'
import { modelImportHf } from './registry/model-import-hf.ts'
import { modelExportHf } from './registry/model-export-hf.ts'
import type { AnyOperation } from './operation.ts'

export type { AnyOperation, Download, DownloadOperation, Operation, OperationComponents, RunOptions, Upload, UploadOperation } from './operation.ts'
export { defineDownload, defineOperation, defineUpload } from './operation.ts'

/** The operation table. */
export const OPERATIONS: readonly AnyOperation[] = [
  ipfsAdd, ipfsCat, ipfsLs, ipfsStat,
  blockGet, blockPut, blockStat,
  dagGet, dagPut, carExport, carImport,
  pinAdd, pinRm, pinLs,
  nodeId, swarmPeers, stats,
  clusterInfo, clusterPeers, clusterPins, clusterStatus, clusterPin, clusterUnpin, clusterRecover, clusterCompact,
  clusterInvite, clusterInvitations, clusterUninvite, clusterJoin,
  backendList, backendStatus, storagePut, storageGet, storageFetch, storageRefs, storageList, filecoinStatus, filecoinProviders, filecoinCosts, filecoinCopies, filecoinRepair, filecoinPayStatus, filecoinPayDeposit, filecoinPayApprove,
  policyList, policyAdd, policyRm, migrationPlan, migrationStart, migrationStatus, migrationPause, migrationResume, migrationCancel, gc,
  modelRegister, modelSearch, modelGet, modelSetAlias, lineage, datasetAdd, datasetList, datasetGet, datasetPreview, datasetFile, datasetRun, datasetRm,
  modelImportHf, modelExportHf,
  search, searchStats,
  keyList, keyCreate, keyRevoke, auditLog, auditVerify
]

/** An operation by its name or one of its aliases. */
export function operationNamed (name: string): AnyOperation | undefined {
  return OPERATIONS.find(op => op.name === name || (op.aliases ?? []).includes(name))
}
