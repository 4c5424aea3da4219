import { defineError } from '../../../core/errors/index.ts'

/** A storage provider reported a piece CID other than the one computed locally from the same CAR bytes. */
export const PieceMismatchError = defineError('ERR_PIECE_MISMATCH', 'PieceMismatchError')
/** An instance of {@link PieceMismatchError}. */
export type PieceMismatchError = InstanceType<typeof PieceMismatchError>

/** Automatic spending (a repair, a deposit top-up) would pass the backend's configured budget cap. */
export const BudgetExceededError = defineError('ERR_BUDGET_EXCEEDED', 'BudgetExceededError')
/** An instance of {@link BudgetExceededError}. */
export type BudgetExceededError = InstanceType<typeof BudgetExceededError>
