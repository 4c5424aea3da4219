import { defineError } from '../errors/index.ts'

/** A retention rule or legal hold forbids deleting this content now (409); the message names the rule. */
export const RetainedError = defineError('ERR_RETAINED', 'RetainedError')
/** An instance of {@link RetainedError}. */
export type RetainedError = InstanceType<typeof RetainedError>

/** The request conflicts with the state of the thing it names: a finished job resumed, a policy name taken (409). */
export const ConflictError = defineError('ERR_CONFLICT', 'ConflictError')
/** An instance of {@link ConflictError}. */
export type ConflictError = InstanceType<typeof ConflictError>
