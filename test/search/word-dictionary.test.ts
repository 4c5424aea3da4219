import { radix } from '@orama/orama/trees'
import { describe, expect, it } from 'vitest'
import { syntheticDocs } from '../../bench/lib/search-data.ts'
import { WordDictionary } from '../../core/search/word-dictionary.ts'

const { words } = syntheticDocs(300)
const vocabulary = [...new Set(words)]

/** What Orama's radix tree (the dictionary before) answers: term numbers, sorted. */
function oramaTerms (tree: InstanceType<typeof radix.RadixTree>, term: string, tolerance: number): number[] {
  const found = tree.find({ term, exact: false, tolerance }) as Record<string, number[] | undefined>
  return Object.values(found).map(terms => terms?.[0] ?? -1).sort((a, b) => a - b)
}

const sorted = (terms: number[]): number[] => [...terms].sort((a, b) => a - b)

describe('WordDictionary', () => {
  it('finds the same words by prefix and by edit distance as Orama\'s radix tree, while words keep arriving', () => {
    const dictionary = new WordDictionary()
    const tree = new radix.RadixTree()
    const probes = ['', 'a', 'ka', 'wen', 'dowen', 'zz', ...vocabulary.slice(0, 40).map(word => word.slice(0, 3)), ...vocabulary.slice(40, 60)]
    // words arrive in four batches, with lookups in between: each lookup merges the words added since the last
    for (let batch = 0; batch < 4; batch++) {
      const from = Math.floor(batch * vocabulary.length / 4)
      const to = Math.floor((batch + 1) * vocabulary.length / 4)
      for (let t = from; t < to; t++) {
        dictionary.add(vocabulary[t] ?? '', t)
        tree.insert(vocabulary[t] ?? '', t)
      }
      expect(dictionary.size).toBe(to)
      for (const probe of probes.filter(probe => probe !== '')) {
        expect(sorted(dictionary.withPrefix(probe)), probe).toEqual(oramaTerms(tree, probe, 0))
        // the typo tree is built on the first such lookup (batch 1), then kept up to date by later adds
        if (batch > 0) expect(sorted(dictionary.withinEdits(probe, 1)), probe).toEqual(oramaTerms(tree, probe, 1))
      }
    }
    expect(dictionary.withPrefix('')).toHaveLength(vocabulary.length)
  })

  it('orders words by code unit, so a prefix of non-ASCII words is one run', () => {
    const dictionary = new WordDictionary()
    const list = ['éclair', 'eclat', 'école', 'écoute', 'ecole', 'über', 'u', 'écolier']
    list.forEach((word, t) => { dictionary.add(word, t) })
    expect(sorted(dictionary.withPrefix('éco'))).toEqual([2, 3, 7])
    expect(sorted(dictionary.withPrefix('ec'))).toEqual([1, 4])
    expect(dictionary.withPrefix('x')).toEqual([])
    expect(dictionary.exactly('école')).toEqual([2])
    expect(dictionary.exactly('écol')).toEqual([])
  })
})
