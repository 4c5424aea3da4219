import * as dagCbor from '@ipld/dag-cbor'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'

/**
 * A signed envelope around every state update a peer sends (on gossipsub and on the sync stream). The author
 * signs `{ c: cluster, f: author, p: payload }` with its libp2p peer key; when the cluster has a shared secret the
 * envelope also carries an HMAC-SHA256 of the same bytes, which is how a peer outside the trusted list proves it
 * is a member.
 */
export interface Envelope {
  /** Cluster name (an update for another cluster is never applied). */
  c: string
  /** Author peer id. */
  f: string
  /** Payload bytes (a Yjs update or a sync message). */
  p: Uint8Array
  /** Signature by the author's peer key. */
  s: Uint8Array
  /** HMAC-SHA256 with the cluster secret, when there is one. */
  m?: Uint8Array
  /**
   * The state generation a gossiped update belongs to (core/cluster/epoch.ts `epochKey`); absent for the first, so
   * the envelopes of a cluster that never compacted are what earlier versions sent.
   */
  e?: string
}

function signedBytes (cluster: string, from: string, payload: Uint8Array, epoch: string | undefined): Uint8Array {
  return dagCbor.encode(epoch === undefined ? { c: cluster, f: from, p: payload } : { c: cluster, e: epoch, f: from, p: payload })
}

const hmacKeys = new Map<string, Promise<CryptoKey>>()

async function hmac (secret: string, bytes: Uint8Array): Promise<Uint8Array> {
  let key = hmacKeys.get(secret)
  if (key === undefined) {
    key = globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    hmacKeys.set(secret, key)
  }
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', await key, new Uint8Array(bytes)))
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  let diff = 0
  for (let i = 0; i < a.byteLength; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/** Sign `payload` as `from` for `cluster` (and MAC it when a secret is given); returns the encoded envelope. */
export async function sealEnvelope (init: { cluster: string, from: string, privateKey: PrivateKey, secret?: string, epoch?: string }, payload: Uint8Array): Promise<Uint8Array> {
  const epoch = init.epoch === '' ? undefined : init.epoch
  const bytes = signedBytes(init.cluster, init.from, payload, epoch)
  const envelope: Envelope = { c: init.cluster, f: init.from, p: payload, s: await init.privateKey.sign(bytes) }
  if (epoch !== undefined) envelope.e = epoch
  if (init.secret !== undefined) envelope.m = await hmac(init.secret, bytes)
  return dagCbor.encode(envelope)
}

/** Decode an envelope; `undefined` when the bytes are not one. */
export function openEnvelope (data: Uint8Array): Envelope | undefined {
  try {
    const value: unknown = dagCbor.decode(data)
    if (typeof value !== 'object' || value === null) return undefined
    const { c, f, p, s, m, e } = value as Record<string, unknown>
    if (typeof c !== 'string' || typeof f !== 'string' || !(p instanceof Uint8Array) || !(s instanceof Uint8Array)) return undefined
    if (m !== undefined && !(m instanceof Uint8Array)) return undefined
    if (e !== undefined && typeof e !== 'string') return undefined
    return { c, f, p, s, ...(m === undefined ? {} : { m }), ...(e === undefined ? {} : { e }) }
  } catch {
    return undefined
  }
}

/** Who may write: the cluster's name, trusted peer ids and/or shared secret. */
export interface WriterPolicy {
  cluster: string
  /** This peer (always a writer of its own state). */
  self: string
  trustedPeers: readonly string[]
  secret?: string
}

/** Why an envelope was refused, or `undefined` when its author may write. */
export type RejectReason = 'wrong-cluster' | 'bad-signature' | 'untrusted'

/**
 * Check an envelope: it is for this cluster, its signature verifies against the author's peer id, and the author
 * is trusted (listed, or proves the shared secret). Returns the reason to refuse it, or `undefined` to accept.
 */
export async function checkEnvelope (policy: WriterPolicy, envelope: Envelope): Promise<RejectReason | undefined> {
  if (envelope.c !== policy.cluster) return 'wrong-cluster'
  const bytes = signedBytes(envelope.c, envelope.f, envelope.p, envelope.e)
  try {
    const publicKey = peerIdFromString(envelope.f).publicKey
    if (publicKey === undefined || !await publicKey.verify(bytes, envelope.s)) return 'bad-signature'
  } catch {
    return 'bad-signature'
  }
  if (envelope.f === policy.self || policy.trustedPeers.includes(envelope.f)) return undefined
  if (policy.secret !== undefined && envelope.m !== undefined && sameBytes(envelope.m, await hmac(policy.secret, bytes))) return undefined
  return 'untrusted'
}

/** True when this peer itself may write under `policy` (listed, holds the secret, or the cluster is solo). */
export function mayWrite (policy: WriterPolicy): boolean {
  return policy.secret !== undefined || policy.trustedPeers.length === 0 || policy.trustedPeers.includes(policy.self)
}
