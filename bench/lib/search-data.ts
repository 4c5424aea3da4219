/** Deterministic synthetic documents and queries for the search benchmark. */

/** A small deterministic PRNG (mulberry32). */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'ba', 'do', 'fu', 'gi', 'ha', 'ju', 'pe', 'qui', 'ro', 'sho', 'tra', 'wen', 'xi', 'yo', 'zu']
const TAGS = Array.from({ length: 24 }, (_, i) => `tag${i}`)
const MIMES = ['text/plain', 'text/markdown', 'application/json', 'text/html', 'text/csv', 'image/png', 'application/pdf']

/** One synthetic document. */
export interface BenchDoc {
  cid: string
  name: string
  mime: string
  size: number
  tags: string[]
  text: string
}

/** A vocabulary of `n` made-up words (2–4 syllables). */
export function vocabulary (n: number, random: () => number): string[] {
  const words = new Set<string>()
  while (words.size < n) {
    const length = 2 + Math.floor(random() * 3)
    let word = ''
    for (let i = 0; i < length; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)] ?? ''
    words.add(word)
  }
  return [...words]
}

/** Zipf-like pick: low indexes are frequent, as in real text. */
function zipf (words: string[], random: () => number): string {
  return words[Math.floor(words.length * random() ** 2.5)] ?? ''
}

/** `count` documents of 40–80 words over a 20,000-word vocabulary, with topics (each doc leans on a word cluster). */
export function syntheticDocs (count: number, seed = 42): { docs: BenchDoc[], words: string[] } {
  const random = prng(seed)
  const words = vocabulary(20_000, random)
  const docs: BenchDoc[] = []
  for (let i = 0; i < count; i++) {
    const topic = Math.floor(random() * 200)
    const topicWords = words.slice(2000 + topic * 50, 2000 + topic * 50 + 50)
    const length = 40 + Math.floor(random() * 40)
    const text: string[] = []
    for (let w = 0; w < length; w++) text.push(random() < 0.4 ? topicWords[Math.floor(random() * topicWords.length)] ?? '' : zipf(words, random))
    docs.push({
      cid: `doc${i}`,
      name: `${zipf(words, random)}-${zipf(words, random)}.txt`,
      mime: MIMES[Math.floor(random() * MIMES.length)] ?? 'text/plain',
      size: Math.floor(random() * 5_000_000),
      tags: [TAGS[Math.floor(random() * TAGS.length)] ?? '', TAGS[Math.floor(random() * TAGS.length)] ?? ''],
      text: text.join(' ')
    })
  }
  return { docs, words }
}

/** Two-word text queries: words of mid frequency, some with a typo. */
export function textQueries (count: number, words: string[], seed = 7): string[] {
  const random = prng(seed)
  return Array.from({ length: count }, () => {
    const a = words[200 + Math.floor(random() * 8000)] ?? ''
    const b = words[200 + Math.floor(random() * 8000)] ?? ''
    return `${a} ${b}`
  })
}

/** "More like this" queries for vectors: 8 consecutive words of a random document. */
export function vectorQueries (count: number, docs: BenchDoc[], seed = 9): string[] {
  const random = prng(seed)
  return Array.from({ length: count }, () => {
    const doc = docs[Math.floor(random() * docs.length)]
    const words = (doc?.text ?? '').split(' ')
    const start = Math.floor(random() * Math.max(1, words.length - 8))
    return words.slice(start, start + 8).join(' ')
  })
}
