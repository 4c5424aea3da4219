import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { Key } from 'interface-datastore'
import { NotFoundError, UnauthorizedError } from '../../core/errors/index.ts'
import type { Datastore } from 'interface-datastore'

const PREFIX = '/invitations'
// not under PREFIX: listing the invitations must not read the key
const SIGNING_KEY = new Key('/invitation-signing-key')

/** An invitation as stored and listed (never its token). */
export interface InvitationInfo {
  id: string
  /** Who or what it is for. */
  name: string
  created: string
  expires: string
  /** Redemptions allowed, and made. */
  maxUses: number
  uses: number
  revoked?: string
}

function b64url (bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64url')
}

/**
 * Signed, expiring, revocable invitations for browser tabs to join the relay's cluster: an admin issues one
 * (`cluster_invite`), the tab redeems it (`cluster_join`) and receives what joining needs, instead of a person
 * typing the long-lived shared secret into Settings. A token is `<id>.<expiry>.<HMAC-SHA256>` under a random key kept
 * in the datastore; the record (uses, revocation) is checked on every redemption.
 */
export class Invitations {
  private readonly datastore: Datastore
  private readonly key: Uint8Array

  private constructor (datastore: Datastore, key: Uint8Array) {
    this.datastore = datastore
    this.key = key
  }

  /** Open the store (making its signing key the first time). */
  static async open (datastore: Datastore): Promise<Invitations> {
    let key: Uint8Array
    if (await datastore.has(SIGNING_KEY)) key = await datastore.get(SIGNING_KEY)
    else {
      key = randomBytes(32)
      await datastore.put(SIGNING_KEY, key)
    }
    return new Invitations(datastore, key)
  }

  private sign (id: string, expires: number): string {
    return b64url(createHmac('sha256', this.key).update(`${id}.${expires}`).digest())
  }

  private async read (id: string): Promise<InvitationInfo | undefined> {
    const key = new Key(`${PREFIX}/${id}`)
    if (!await this.datastore.has(key)) return undefined
    return JSON.parse(new TextDecoder().decode(await this.datastore.get(key))) as InvitationInfo
  }

  private async write (info: InvitationInfo): Promise<void> {
    await this.datastore.put(new Key(`${PREFIX}/${info.id}`), new TextEncoder().encode(JSON.stringify(info)))
  }

  /** Issue an invitation; the token is in the answer once. */
  async issue (options: { name?: string, ttlMs: number, maxUses: number }): Promise<{ token: string, info: InvitationInfo }> {
    // hex, not base64url: an id or token that starts with '-' reads as an option to `ipfs-kit cluster uninvite|join`
    const id = randomBytes(12).toString('hex')
    const now = Date.now()
    const expires = now + options.ttlMs
    const info: InvitationInfo = { id, name: options.name ?? '', created: new Date(now).toISOString(), expires: new Date(expires).toISOString(), maxUses: options.maxUses, uses: 0 }
    await this.write(info)
    return { token: `${id}.${expires}.${this.sign(id, expires)}`, info }
  }

  /** Redeem a token: checks signature, expiry, revocation and uses; `ERR_UNAUTHORIZED` for anything wrong. */
  async redeem (token: string): Promise<InvitationInfo> {
    const [id = '', expiresText = '', signature = ''] = token.trim().split('.')
    const expires = Number(expiresText)
    const expected = Buffer.from(this.sign(id, expires))
    const given = Buffer.from(signature)
    if (id === '' || !Number.isSafeInteger(expires) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new UnauthorizedError('the invitation is not valid (not issued by this relay, or altered)')
    }
    const info = await this.read(id)
    if (info === undefined) throw new UnauthorizedError('the invitation is not valid (unknown)')
    if (info.revoked !== undefined) throw new UnauthorizedError('the invitation was revoked')
    if (Date.now() > expires) throw new UnauthorizedError(`the invitation expired at ${info.expires}`)
    if (info.uses >= info.maxUses) throw new UnauthorizedError(`the invitation was already used ${info.uses} time${info.uses === 1 ? '' : 's'}`)
    const used = { ...info, uses: info.uses + 1 }
    await this.write(used)
    return used
  }

  /** Every invitation, newest first. */
  async list (): Promise<InvitationInfo[]> {
    const all: InvitationInfo[] = []
    for await (const { value } of this.datastore.query({ prefix: PREFIX })) all.push(JSON.parse(new TextDecoder().decode(value)) as InvitationInfo)
    return all.sort((a, b) => b.created.localeCompare(a.created))
  }

  /** Revoke an invitation by id: it cannot be redeemed any more. */
  async revoke (id: string): Promise<InvitationInfo> {
    const info = await this.read(id)
    if (info === undefined) throw new NotFoundError(`no invitation with id ${id}`)
    const revoked = { ...info, revoked: info.revoked ?? new Date().toISOString() }
    await this.write(revoked)
    return revoked
  }
}
