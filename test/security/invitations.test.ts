import { MemoryDatastore } from 'datastore-core'
import { expect } from 'vitest'
import { Invitations } from '../../node-relay/auth/invitations.ts'

describe('cluster invitations', () => {
  it('redeems a fresh one up to its uses, then refuses it; refuses altered, expired and revoked ones', async () => {
    const datastore = new MemoryDatastore()
    const invitations = await Invitations.open(datastore)
    const twice = await invitations.issue({ ttlMs: 60_000, maxUses: 2 })
    await invitations.redeem(twice.token)
    expect((await invitations.redeem(twice.token)).uses).toBe(2)
    await expect(invitations.redeem(twice.token)).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED', message: expect.stringContaining('already used 2 times') })

    const fresh = await invitations.issue({ ttlMs: 60_000, maxUses: 1 })
    const [id, expires, signature] = fresh.token.split('.')
    await expect(invitations.redeem(`${id ?? ''}.${Number(expires) + 1}.${signature ?? ''}`)).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED' })
    await expect(invitations.redeem(`${id ?? ''}.${expires ?? ''}.${(signature ?? '').slice(1)}x`)).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED' })

    const expired = await invitations.issue({ ttlMs: -1, maxUses: 1 })
    await expect(invitations.redeem(expired.token)).rejects.toMatchObject({ message: expect.stringContaining('expired') })

    await invitations.revoke(fresh.info.id)
    await expect(invitations.redeem(fresh.token)).rejects.toMatchObject({ message: expect.stringContaining('revoked') })
    await expect(invitations.revoke('nope')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
  })

  it('issues ids and tokens a CLI takes as arguments: never starting with a dash (one in 64 did, and `cluster uninvite` read it as an option)', async () => {
    const invitations = await Invitations.open(new MemoryDatastore())
    for (let i = 0; i < 64; i++) {
      const { token, info } = await invitations.issue({ ttlMs: 60_000, maxUses: 1 })
      expect(info.id).toMatch(/^[0-9a-f]{24}$/)
      expect(token.startsWith(`${info.id}.`)).toBe(true)
    }
  })

  it('keeps its signing key across restarts (a token stays valid) and never lists it', async () => {
    const datastore = new MemoryDatastore()
    const issued = await (await Invitations.open(datastore)).issue({ ttlMs: 60_000, maxUses: 1 })
    const reopened = await Invitations.open(datastore)
    expect((await reopened.list()).map(i => i.id)).toEqual([issued.info.id])
    expect((await reopened.redeem(issued.token)).uses).toBe(1)
  })
})
