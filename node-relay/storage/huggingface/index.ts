/**
 * @packageDocumentation
 *
 * Hugging Face Hub storage backend: every DAG is stored as one CARv1 file, `<pathPrefix>/<root cid>.car`, in a
 * model or dataset repo, committed with `@huggingface/hub` (the Hub keeps CARs in Git LFS; large ones go up with
 * its multipart transfer). Reads stream the CAR from `resolve/<revision>/<path>` and verify every block against
 * its CID. Hub errors become typed errors: 404 `ERR_NOT_FOUND`, 401 `ERR_UNAUTHORIZED`, 403 `ERR_FORBIDDEN`,
 * 429/5xx or unreachable `ERR_BACKEND_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * import { createHuggingFaceBackend } from './node-relay/storage/huggingface/index.ts'
 * const hf = createHuggingFaceBackend({ name: 'hf', repo: 'me/ipfs-store', repoType: 'dataset', token: process.env.HF_TOKEN })
 * const { locator } = await hf.put(root, blockstore)   // https://huggingface.co/datasets/me/ipfs-store/resolve/main/ipfs/<cid>.car
 * for await (const { cid, bytes } of hf.get(root)) { ... } // every block verified
 * ```
 */
export { HuggingFaceBackend, createHuggingFaceBackend, type HuggingFaceBackendInit } from './backend.ts'
export { huggingfaceBackendSchema, huggingfaceInitFromConfig, type HuggingFaceBackendConfig } from './config.ts'
export { errorForStatus, translateHubError } from './errors.ts'
export { HUB_REPO_PATTERN, readRepoFiles, resolveRevision, writeRepoFiles, type HubConnection, type HubRepoFile, type HubRepoRef } from './repo-files.ts'
