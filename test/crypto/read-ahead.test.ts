/**
 * `readAhead` (core/crypto/streams.ts), which `decrypt` reads its input through: same chunks in the same order, the
 * source pulled ahead of a slow consumer but never more than the bound, a source error after the chunks before it,
 * and an early stop that ends the source.
 */
import { describe, expect, it } from 'vitest'
import { readAhead } from '../../core/crypto/streams.ts'

const chunk = (n: number): Uint8Array => new Uint8Array(1000).fill(n)

describe('readAhead', () => {
  it('yields every chunk once, in order', async () => {
    const out: number[] = []
    for await (const c of readAhead((async function * () { for (let i = 0; i < 50; i++) yield chunk(i) })(), 4000)) out.push(c[0] ?? -1)
    expect(out).toEqual([...Array(50).keys()])
  })

  it('pulls ahead while the consumer waits, up to the bound', async () => {
    let pulled = 0
    const source = (async function * () { for (let i = 0; i < 20; i++) { pulled++; yield chunk(i) } })()
    const reader = readAhead(source, 5000)
    await reader.next()
    for (let i = 0; i < 20; i++) await new Promise(resolve => setImmediate(resolve))
    // one given out, five held (5000 bytes), and none beyond the bound
    expect(pulled).toBeGreaterThanOrEqual(5)
    expect(pulled).toBeLessThanOrEqual(7)
    let rest = 0
    for await (const _ of reader) rest++
    expect(rest).toBe(19)
  })

  it('passes a source error on after the chunks before it', async () => {
    const seen: number[] = []
    const failing = (async function * () { yield chunk(1); yield chunk(2); throw new Error('cut') })()
    await expect((async () => { for await (const c of readAhead(failing, 10_000)) seen.push(c[0] ?? -1) })()).rejects.toThrow('cut')
    expect(seen).toEqual([1, 2])
  })

  it('ends the source when the consumer stops early', async () => {
    const state = { finished: false }
    const source = (async function * () { try { for (let i = 0; ; i++) yield chunk(i) } finally { state.finished = true } })()
    for await (const c of readAhead(source, 3000)) if (c[0] === 2) break
    expect(state.finished).toBe(true)
  })
})
