/**
 * @packageDocumentation
 *
 * The migration controller and content lifecycle (docs/MIGRATION.md): policies and retention rules, the planner
 * with its cost model, the catalog of added and last-read dates, and the crash-safe verified executor.
 */
export { ContentCatalog } from './catalog.ts'
export type { ContentDates } from './catalog.ts'
export { MigrationController } from './controller.ts'
export type { MigrationComponents, MigrationInit } from './controller.ts'
export { ConflictError, RetainedError } from './errors.ts'
export { JobStore, byRunOrder } from './jobs.ts'
export type { Job, JobAction, JobRequest, JobState, JobStep } from './jobs.ts'
export { orderPolicies, plan } from './planner.ts'
export type { ItemCost, Plan, PlanInput, PlanItem, PlannerBackend, SkippedItem } from './planner.ts'
export { ACTIONS, matchSchema, matches, policySchema, retentionBlocking, retentionSchema } from './policy.ts'
export type { ContentItem, Policy, PolicyAction, PolicyInput, PolicyMatch, RetentionRule } from './policy.ts'
export { PolicyStore } from './policy-store.ts'
export type { StoredPolicy } from './policy-store.ts'
export { collectGarbage } from './gc.ts'
export type { GcComponents, GcReport } from './gc.ts'
