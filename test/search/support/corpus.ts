import type { DocumentInput } from '../../../core/search/index.ts'

/** A small labelled corpus: distinct topics, names, tags, types and sizes. CIDs are labels here (the index keys by string). */
export const CORPUS: DocumentInput[] = [
  { cid: 'doc-astronomy', name: 'solar-system.md', mime: 'text/markdown', size: 4_000, tags: ['science', 'space'], addedAt: 1_000, text: 'The planets of the solar system orbit the sun. Jupiter is the largest planet; astronomers observe planetary orbits with telescopes.' },
  { cid: 'doc-recipe', name: 'tomato-soup.txt', mime: 'text/plain', size: 900, tags: ['cooking'], addedAt: 2_000, text: 'A recipe for tomato soup: simmer tomatoes, onions and garlic, then blend with basil and cream. Serve the soup hot.' },
  { cid: 'doc-invoice', name: 'invoice-2026-03.json', mime: 'application/json', size: 2_500, tags: ['finance', 'work'], addedAt: 3_000, text: 'invoice number 2026-03 customer Acme amount 1200 EUR payment due bank transfer' },
  { cid: 'doc-football', name: 'match-report.html', mime: 'text/html', size: 12_000, tags: ['sport'], addedAt: 4_000, text: 'Match report: the football team scored two goals in the second half and the goalkeeper saved a penalty.' },
  { cid: 'doc-garden', name: 'garden-notes.md', mime: 'text/markdown', size: 3_000, tags: ['home', 'plants'], addedAt: 5_000, text: 'Garden notes: water the roses, prune the apple trees and plant tulip bulbs before the frost.' },
  { cid: 'doc-csv', name: 'temperatures.csv', mime: 'text/csv', size: 50_000, tags: ['science', 'data'], addedAt: 6_000, text: 'city temperature humidity Berlin 21 40 Madrid 30 20 Oslo 12 70' },
  { cid: 'doc-photo', name: 'holiday-beach.jpg', mime: 'image/jpeg', size: 2_500_000, tags: ['holiday', 'photos'], addedAt: 7_000, textStatus: 'skipped', textNote: 'no text extractor for image/jpeg' },
  { cid: 'doc-network', name: 'libp2p-notes.txt', mime: 'text/plain', size: 7_000, tags: ['work', 'networking'], addedAt: 8_000, text: 'Peer to peer networking with libp2p: gossipsub spreads messages, the relay helps browsers behind NAT connect over WebRTC.' }
]

/** Queries each mode must rank a known document first for. */
export const LABELLED: Array<{ query: string, expect: string }> = [
  { query: 'planets orbit', expect: 'doc-astronomy' },
  { query: 'tomato soup recipe', expect: 'doc-recipe' },
  { query: 'invoice payment', expect: 'doc-invoice' },
  { query: 'football goals', expect: 'doc-football' },
  { query: 'prune apple trees', expect: 'doc-garden' },
  { query: 'gossipsub relay webrtc', expect: 'doc-network' },
  { query: 'holiday beach', expect: 'doc-photo' }
]
