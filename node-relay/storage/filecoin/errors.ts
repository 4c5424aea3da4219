import { defineError } from '../../../core/errors/index.ts'

/** A storage provider reported a piece CID other than the one computed locally from the same CAR bytes. */
export const PieceMismatchError = defineError('ERR_PIECE_MISMATCH', 'PieceMismatchError')
/** An instance of {@link PieceMismatchError}. */
export type PieceMismatchError = InstanceType<typeof PieceMismatchError>
