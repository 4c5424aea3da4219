import { Stanza } from 'age-encryption'
import { padStanza, paddedHeaderSize } from './header.ts'
import { wrapFileKey } from './keys.ts'
import type { Recipient } from 'age-encryption'
import type { HeaderStanza } from './header.ts'

/** The shape of an age X25519 stanza: a 32-byte share in base64 and a 32-byte wrapped key (16 + 16 tag). */
const X25519_SHAPE: HeaderStanza = { args: ['X25519', 'x'.repeat(43)], body: new Uint8Array(32) }

/** Stanzas for `recipients` (wrapping an existing file key, for a share), padded to a header of `size` bytes. */
export function shareStanzas (fileKey: Uint8Array, recipients: readonly string[], size: number): HeaderStanza[] {
  const stanzas = recipients.map(recipient => wrapFileKey(fileKey, recipient))
  const pad = padStanza(stanzas, size)
  return pad === undefined ? stanzas : [...stanzas, pad]
}

/**
 * A padding "recipient" added after `count` X25519 recipients (which `age-encryption` wraps itself): it writes only a
 * padding stanza that brings the header to the next 1 KiB step, so a later share (a header of the same size) leaves
 * every payload byte where it was, and only the first UnixFS leaf changes.
 */
export function headerPadding (count: number): Recipient {
  const shapes = Array.from({ length: count }, () => X25519_SHAPE)
  const pad = padStanza(shapes, paddedHeaderSize(shapes))
  return { wrapFileKey: () => pad === undefined ? [] : [new Stanza(pad.args, pad.body)] }
}
