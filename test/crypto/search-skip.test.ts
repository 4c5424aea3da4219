import { describe, expect, it } from 'vitest'
import { encrypt, generateKeyPair } from '../../core/crypto/index.ts'
import { documentFromFacts, ENCRYPTED_MIME } from '../../core/search/describe-content.ts'

describe('search skips end-to-end encrypted files', () => {
  it('indexes an age file by its pin name only: no words from the header or payload', async () => {
    const { recipient } = await generateKeyPair()
    const parts: Uint8Array[] = []
    for await (const part of encrypt([new TextEncoder().encode('quarterly numbers and a secret plan')], { recipients: [recipient] })) parts.push(part)
    const head = new Uint8Array(Buffer.concat(parts))
    const doc = documentFromFacts({ cid: 'bafkqaaa', name: 'report', metadata: {}, size: head.length, head })
    expect(doc).toMatchObject({ mime: ENCRYPTED_MIME, text: '', textStatus: 'skipped' })
    const plain = documentFromFacts({ cid: 'bafkqaaa', name: 'report.txt', metadata: {}, size: 10, head: new TextEncoder().encode('-> X25519 looks like a header line') })
    expect(plain.text).toContain('X25519')
  })
})
