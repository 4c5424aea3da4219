/**
 * The S3 object layout, documented so other S3 tools can read what ipfs-kit writes:
 *
 * - one object per DAG: `<prefix>/<root cid, CIDv1 base32>.car`, a CARv1 whose header has the root as its only root,
 *   blocks depth-first, each once (`aws s3 cp s3://bucket/<prefix>/<cid>.car - | ipfs dag import`);
 * - `Content-Type: application/vnd.ipld.car; version=1`;
 * - user metadata `x-amz-meta-ipfs-root` (the root CID as given, e.g. a CIDv0) and
 *   `x-amz-meta-ipfs-kit-layout: car-v1`.
 */
import { CID } from 'multiformats/cid'

/** Suffix of every CAR object. */
export const CAR_SUFFIX = '.car'
/** Content type of every CAR object. */
export const CAR_CONTENT_TYPE = 'application/vnd.ipld.car; version=1'
/** Value of the `ipfs-kit-layout` metadata. */
export const LAYOUT_VERSION = 'car-v1'

/** `prefix` without leading/trailing slashes ('' for the bucket root). */
export function normalisePrefix (prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '')
}

/** The key of the CAR holding the DAG under `root`. CIDv0 roots are keyed by their CIDv1 (same content). */
export function objectKey (prefix: string, root: CID): string {
  const name = `${root.toV1().toString()}${CAR_SUFFIX}`
  return prefix === '' ? name : `${prefix}/${name}`
}

/** The root CID of an object key, or undefined for keys that are not ipfs-kit CARs. */
export function rootOfKey (prefix: string, key: string): CID | undefined {
  const head = prefix === '' ? '' : `${prefix}/`
  if (!key.startsWith(head) || !key.endsWith(CAR_SUFFIX)) return undefined
  const name = key.slice(head.length, -CAR_SUFFIX.length)
  if (name.includes('/')) return undefined
  try {
    return CID.parse(name)
  } catch {
    return undefined
  }
}

/** The object metadata ipfs-kit writes beside each CAR. */
export function objectMetadata (root: CID): Record<string, string> {
  return { 'ipfs-root': root.toString(), 'ipfs-kit-layout': LAYOUT_VERSION }
}
