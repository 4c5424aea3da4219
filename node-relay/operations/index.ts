/**
 * @packageDocumentation
 *
 * Every operation, in the order the docs list them. A surface registers all of them; tests enumerate them.
 */
import { pinAdd } from './pins/pin-add.ts'
import { pinLs } from './pins/pin-ls.ts'
import { pinRm } from './pins/pin-rm.ts'
import type { AnyOperation } from './operation.ts'

export type { AnyOperation, Operation, OperationComponents, RunOptions } from './operation.ts'
export { defineOperation } from './operation.ts'

/** The operation table. */
export const OPERATIONS: readonly AnyOperation[] = [
  pinAdd, pinRm, pinLs
]

/** An operation by its name or one of its aliases. */
export function operationNamed (name: string): AnyOperation | undefined {
  return OPERATIONS.find(op => op.name === name || (op.aliases ?? []).includes(name))
}
