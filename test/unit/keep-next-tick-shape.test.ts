import { describe, expect, it } from 'vitest'
import { keepNextTickShape } from '../../node-relay/runtime/keep-next-tick-shape.ts'

describe('keepNextTickShape', () => {
  it('keeps one of Node\'s own tick objects: the async-id symbols, a callback and its args', () => {
    const kept = keepNextTickShape()
    expect(kept).toBeDefined()
    // Node's TickObject literal: { [async_id_symbol], [trigger_async_id_symbol], callback, args } (Node 22 adds one more symbol)
    expect(Object.getOwnPropertySymbols(kept).map(String)).toEqual(expect.arrayContaining(['Symbol(async_id_symbol)', 'Symbol(trigger_async_id_symbol)']))
    expect(Object.keys(kept ?? {})).toEqual(['callback', 'args'])
    expect(typeof (kept as { callback: unknown }).callback).toBe('function')
  })

  it('keeps the first one for good: a second call hands back the same object', () => {
    expect(keepNextTickShape()).toBe(keepNextTickShape())
  })
})
