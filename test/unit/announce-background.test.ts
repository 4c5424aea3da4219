import { CID } from 'multiformats/cid'
import { describe, expect, it } from 'vitest'
import { announceInBackground } from '../../core/blocks/announce.ts'

const CID_A = CID.parse('bafkqaaa')

describe('announceInBackground', () => {
  it('returns from announce at once, still announces, and reports a failed announcement', async () => {
    let release = (): void => {}
    const announced: string[] = []
    const slow = {
      name: 'bitswap',
      announce: async (cid: CID): Promise<void> => {
        await new Promise<void>(resolve => { release = resolve })
        announced.push(cid.toString())
      }
    }
    const failing = { name: 'other', announce: async (): Promise<void> => { throw new Error('no peers') } }
    const errors: string[] = []
    announceInBackground({ blockBrokers: [slow, failing, { name: 'retrieve only' }] }, err => { errors.push((err as Error).message) })

    let returned = false
    void slow.announce(CID_A).then(() => { returned = true })
    await failing.announce()
    await new Promise(resolve => setTimeout(resolve, 0))
    expect(returned, 'the caller does not wait for the announcement').toBe(true)
    expect(announced).toEqual([])
    release()
    await new Promise(resolve => setTimeout(resolve, 0))
    expect(announced).toEqual([CID_A.toString()])
    expect(errors).toEqual(['no peers'])
  })
})
