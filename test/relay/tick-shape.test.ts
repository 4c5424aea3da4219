import { describe, expect, it } from 'vitest'
import { keptTickObject } from '../../node-relay/runtime/keep-next-tick-shape.ts'
import { startTestRelay } from './support.ts'

// its own file: vitest gives each file fresh modules, so nothing before startRelay has kept a tick object here
describe('a started relay keeps one process.nextTick tick object (the slow state after idling, docs/PERFORMANCE.md)', () => {
  it('startRelay keeps it, before serving anything', async () => {
    expect(keptTickObject()).toBeUndefined()
    const relay = await startTestRelay()
    try {
      const kept = keptTickObject()
      expect(kept).toBeDefined()
      expect(Object.keys(kept ?? {})).toEqual(['callback', 'args'])
    } finally {
      await relay.stop()
    }
  })
})
