/**
 * The registry in core: versions, aliases that move with their history kept, references, lineage both ways, cycles,
 * removal with dependents, model cards, and persistence (a registry reopened over the same datastore).
 */
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import { describe, expect, it } from 'vitest'
import { Registry, parseCardFrontMatter, parseReference } from '../../core/registry/index.ts'

async function cidOf (text: string): Promise<string> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(text))).toString()
}

async function codeOf (fn: () => unknown): Promise<string | undefined> {
  try {
    await fn()
  } catch (err) {
    return (err as { code?: string }).code
  }
  return undefined
}

const base = { size: 10, files: 1, by: 'tester' }

describe('registry', () => {
  it('numbers versions, moves an alias with its history and resolves name@alias, name@n and name', async () => {
    const registry = await Registry.open({ datastore: new MemoryDatastore() })
    const v1 = await registry.register({ kind: 'model', name: 'embedder', cid: await cidOf('v1'), ...base, alias: 'production' })
    const v2 = await registry.register({ kind: 'model', name: 'embedder', cid: await cidOf('v2'), ...base, metrics: { accuracy: 0.9 } })
    expect([v1.version, v2.version]).toEqual([1, 2])
    expect(registry.resolve('model', 'embedder@production').cid).toBe(v1.cid)
    expect(registry.resolve('model', 'embedder').version).toBe(2)
    expect(registry.resolve('model', 'embedder@latest').version).toBe(2)
    expect(registry.resolve('model', 'embedder@1').cid).toBe(v1.cid)
    const moved = await registry.setAlias('model', 'embedder', 'production', 2, 'reviewer')
    expect(moved.history.map(h => [h.version, h.setBy])).toEqual([[1, 'tester'], [2, 'reviewer']])
    expect(registry.resolve('model', 'embedder@production').cid).toBe(v2.cid)
  })

  it('answers typed errors: a missing version or alias, an alias to a missing version, a bad reference', async () => {
    const registry = await Registry.open({ datastore: new MemoryDatastore() })
    await registry.register({ kind: 'model', name: 'm', cid: await cidOf('m1'), ...base })
    expect(await codeOf(() => registry.resolve('model', 'm@7'))).toBe('ERR_VERSION_NOT_FOUND')
    expect(await codeOf(() => registry.resolve('model', 'm@staging'))).toBe('ERR_NOT_FOUND')
    expect(await codeOf(() => registry.resolve('model', 'nobody'))).toBe('ERR_NOT_FOUND')
    expect(await codeOf(async () => registry.setAlias('model', 'm', 'production', 9, 'x'))).toBe('ERR_VERSION_NOT_FOUND')
    expect(await codeOf(() => parseReference('m@'))).toBe('ERR_INVALID_REFERENCE')
    expect(await codeOf(() => parseReference('bad name@1'))).toBe('ERR_INVALID_REFERENCE')
    expect(await codeOf(async () => registry.register({ kind: 'model', name: 'm', cid: 'nope', ...base }))).toBe('ERR_INVALID_INPUT')
    expect(registry.entry('model', 'm').versions.size).toBe(1)
  })

  it('walks lineage both ways and keeps datasets and models apart', async () => {
    const registry = await Registry.open({ datastore: new MemoryDatastore() })
    const data = await registry.register({ kind: 'dataset', name: 'corpus', cid: await cidOf('data'), ...base })
    const code = await cidOf('train.py')
    const base1 = await registry.register({ kind: 'model', name: 'base', cid: await cidOf('base'), ...base })
    const tuned = await registry.register({ kind: 'model', name: 'tuned', cid: await cidOf('tuned'), ...base, inputs: [{ ref: 'corpus@1', role: 'train-data' }, { ref: 'model:base@1', role: 'base-model' }, { ref: code, role: 'code' }] })
    expect(tuned.inputs.map(i => [i.kind, i.name, i.version, i.role])).toEqual([['dataset', 'corpus', 1, 'train-data'], ['model', 'base', 1, 'base-model'], [undefined, undefined, undefined, 'code']])
    const up = registry.lineage('model', 'tuned@1', { direction: 'up' })
    expect(up.nodes.map(n => n.id).sort()).toEqual(['dataset/corpus@1', 'model/base@1', 'model/tuned@1', code].sort())
    expect(up.edges).toContainEqual({ from: 'dataset/corpus@1', to: 'model/tuned@1', role: 'train-data' })
    const down = registry.lineage('dataset', 'corpus', { direction: 'down' })
    expect(down.nodes.map(n => n.id)).toEqual(['dataset/corpus@1', 'model/tuned@1'])
    expect(registry.lineage('model', 'base@1', { direction: 'down' }).edges).toEqual([{ from: 'model/base@1', to: 'model/tuned@1', role: 'base-model' }])
    expect(data.cid).not.toBe(base1.cid)
  })

  it('refuses a cycle in declared lineage and registers nothing', async () => {
    const registry = await Registry.open({ datastore: new MemoryDatastore() })
    const a = await cidOf('a')
    const b = await cidOf('b')
    await registry.register({ kind: 'dataset', name: 'a', cid: a, ...base, inputs: [{ ref: b }] })
    expect(await codeOf(async () => registry.register({ kind: 'dataset', name: 'b', cid: b, ...base, inputs: [{ ref: 'a@1' }] }))).toBe('ERR_LINEAGE_CYCLE')
    expect(await codeOf(async () => registry.register({ kind: 'dataset', name: 'self', cid: a, ...base, inputs: [{ ref: a }] }))).toBe('ERR_LINEAGE_CYCLE')
    expect(registry.list('dataset').map(e => e.name)).toEqual(['a'])
  })

  it('removes a version others depend on only with force, naming them, and its aliases with it', async () => {
    const registry = await Registry.open({ datastore: new MemoryDatastore() })
    await registry.register({ kind: 'dataset', name: 'd', cid: await cidOf('d1'), ...base, alias: 'stable' })
    await registry.register({ kind: 'model', name: 'm', cid: await cidOf('m1'), ...base, inputs: [{ ref: 'd@stable' }] })
    const err = await registry.removeVersion('dataset', 'd@1').catch((e: unknown) => e as { code: string, message: string })
    expect(err).toMatchObject({ code: 'ERR_HAS_DEPENDENTS' })
    expect((err as { message: string }).message).toContain('model/m@1')
    const out = await registry.removeVersion('dataset', 'd@1', { force: true })
    expect(out).toMatchObject({ dependents: ['model/m@1'], aliases: ['stable'] })
    expect(await codeOf(() => registry.resolve('dataset', 'd'))).toBe('ERR_NOT_FOUND')
  })

  it('keeps everything across a reopen over the same datastore', async () => {
    const datastore = new MemoryDatastore()
    const first = await Registry.open({ datastore })
    await first.register({ kind: 'model', name: 'kept', cid: await cidOf('k1'), ...base, tags: ['nlp'], alias: 'production' })
    const again = await Registry.open({ datastore })
    expect(again.resolve('model', 'kept@production').tags).toEqual(['nlp'])
    expect(again.list('model', { tag: 'nlp' }).map(e => e.name)).toEqual(['kept'])
    expect(again.list('model', { query: 'nothing-like-it' })).toEqual([])
  })

  it('parses model card front matter and names broken YAML', async () => {
    expect(parseCardFrontMatter('---\nlicense: mit\ntags:\n  - onnx\n---\n# Card\n')).toEqual({ license: 'mit', tags: ['onnx'] })
    expect(parseCardFrontMatter('# no front matter')).toBeUndefined()
    expect(await codeOf(() => parseCardFrontMatter('---\nlicense: [mit\n---\n'))).toBe('ERR_INVALID_CARD')
    expect(await codeOf(() => parseCardFrontMatter('---\n- a\n- b\n---\n'))).toBe('ERR_INVALID_CARD')
    expect(await codeOf(() => parseCardFrontMatter('---\nlicense: mit\n'))).toBe('ERR_INVALID_CARD')
  })
})

describe('registry removal and shared roots', () => {
  it('does not count a version made from another version with the same root as a dependent', async () => {
    const registry = await Registry.open({ datastore: new MemoryDatastore() })
    const shared = await cidOf('shared')
    await registry.register({ kind: 'dataset', name: 'kept', cid: shared, ...base })
    await registry.register({ kind: 'dataset', name: 'copy', cid: shared, ...base })
    await registry.register({ kind: 'model', name: 'm', cid: await cidOf('m'), ...base, inputs: [{ ref: 'kept@1' }] })
    expect(await registry.removeVersion('dataset', 'copy@1')).toMatchObject({ dependents: [] })
    expect(await codeOf(async () => registry.removeVersion('dataset', 'kept@1'))).toBe('ERR_HAS_DEPENDENTS')
  })
})

describe('concurrent registration on two relays', () => {
  it('keeps both records when two registries take the same number at once: the displaced one is registered again as the next', async () => {
    const a = await Registry.open({ datastore: new MemoryDatastore() })
    const b = await Registry.open({ datastore: new MemoryDatastore() })
    const fromA: Array<{ key: string, value: unknown }> = []
    const fromB: Array<{ key: string, value: unknown }> = []
    a.onLocalChange(change => fromA.push(change))
    b.onLocalChange(change => fromB.push(change))
    // both register "embedder" before either hears of the other: both take version 1 and point production at it
    const mine = await a.register({ kind: 'model', name: 'embedder', cid: await cidOf('weights from a'), ...base, alias: 'production' })
    const theirs = await b.register({ kind: 'model', name: 'embedder', cid: await cidOf('weights from b'), ...base, alias: 'production' })
    expect([mine.version, theirs.version]).toEqual([1, 1])
    // the replicated state keeps b's version 1 and a's alias (last writer wins, key by key): a applies b's version
    const [theirVersion] = fromB.splice(0)
    await a.applyRemote(theirVersion?.key ?? '', theirVersion?.value)
    fromA.splice(0, 1) // a's own version 1, which the state replaced
    expect(a.reregistered).toBe(1)
    // a registered its record again as version 2 and moved its alias to it; b applies what a announced
    for (const { key, value } of fromA.splice(0)) await b.applyRemote(key, value)
    for (const registry of [a, b]) {
      expect(registry.resolve('model', 'embedder@1').cid).toBe(theirs.cid)
      expect(registry.resolve('model', 'embedder@2').cid).toBe(mine.cid)
      expect(registry.resolve('model', 'embedder@production').version).toBe(2)
    }
    expect(b.reregistered).toBe(0)
    // the same record arriving again (an echo) displaces nothing
    await a.applyRemote('model/embedder/v/2', a.get('model/embedder/v/2'))
    expect(a.reregistered).toBe(1)
  })

  it('does not re-register a version another relay removed, nor one it only received', async () => {
    const a = await Registry.open({ datastore: new MemoryDatastore() })
    const b = await Registry.open({ datastore: new MemoryDatastore() })
    const v1 = await a.register({ kind: 'dataset', name: 'corpus', cid: await cidOf('rows'), ...base })
    await b.applyRemote('dataset/corpus/v/1', a.get('dataset/corpus/v/1'))
    // a third relay's different version 1 replaces the one b only received: nothing of b's is lost
    await b.applyRemote('dataset/corpus/v/1', { type: 'version', record: { ...v1, cid: await cidOf('other rows'), registeredAt: new Date(Date.now() + 1000).toISOString() } })
    await b.applyRemote('dataset/corpus/v/1', undefined)
    await a.applyRemote('dataset/corpus/v/1', undefined)
    expect([a.reregistered, b.reregistered]).toEqual([0, 0])
    expect(() => a.entry('dataset', 'corpus')).toThrow()
  })
})
