/**
 * @packageDocumentation
 *
 * The policy language of the migration controller (docs/MIGRATION.md): which content a rule matches and what it
 * does with it. Validated with zod, so a bad policy, from the config file or the API, is refused naming its field.
 */
import { z } from 'zod'

/** Backend and policy names: path segments of keys and URLs. */
const NAME = /^[A-Za-z0-9][\w.-]{0,63}$/
const nameSchema = z.string().regex(NAME, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit')

/**
 * What a policy matches. Every criterion given must hold (AND); a list criterion holds when any of its entries does
 * (OR). `{}` matches everything. To say "A or B", write two policies.
 */
export const matchSchema = z.object({
  tags: z.array(z.string().min(1)).min(1).optional().describe('content carrying any of these tags (pin metadata `tags`, comma-separated)'),
  names: z.array(z.string().min(1)).min(1).optional().describe('pin names matching any of these globs (`*` any run of characters, `?` one)'),
  mime: z.array(z.string().regex(/^[\w.+-]+\/([\w.+-]+|\*)$/, 'must be a media type such as "video/mp4" or "video/*"')).min(1).optional().describe('media types, `type/*` for a whole family'),
  minBytes: z.number().int().min(0).optional().describe('at least this many bytes'),
  maxBytes: z.number().int().min(0).optional().describe('at most this many bytes'),
  olderThanDays: z.number().min(0).optional().describe('added at least this many days ago'),
  notReadForDays: z.number().min(0).optional().describe('not read (gateway, cat, CAR export) for at least this many days (never read counts from when it was added)'),
  on: z.array(nameSchema).min(1).optional().describe('with a verified copy on any of these backends'),
  notOn: z.array(nameSchema).min(1).optional().describe('without a verified copy on any of these backends')
}).strict()

/** A validated matcher. */
export type PolicyMatch = z.infer<typeof matchSchema>

/** What a policy does with what it matches. */
export const ACTIONS = ['copy', 'move', 'evict', 'expire'] as const
/** One of {@link ACTIONS}. */
export type PolicyAction = typeof ACTIONS[number]

/**
 * One migration policy.
 * - `copy`: place a verified copy on every `to` backend.
 * - `move`: copy, then remove the copy on `from` once every target verified.
 * - `evict`: remove the copy on `from` (default `local`) when a verified copy exists elsewhere.
 * - `expire`: after `expireAfterDays` from when it was added, unpin and delete every copy.
 */
export const policySchema = z.object({
  name: nameSchema.describe('unique name of the policy'),
  description: z.string().max(500).optional(),
  enabled: z.boolean().default(true).describe('disabled policies are kept but never planned'),
  priority: z.number().int().min(0).max(100).default(50).describe('higher runs first; the first matching policy (by priority, then name) decides for a CID'),
  match: matchSchema.default({}),
  action: z.enum(ACTIONS),
  from: nameSchema.optional().describe('source backend for move and evict (default local)'),
  to: z.array(nameSchema).min(1).optional().describe('target backends for copy and move'),
  expireAfterDays: z.number().min(0).optional().describe('for expire: days after the content was added')
}).strict().superRefine((policy, ctx) => {
  if ((policy.action === 'copy' || policy.action === 'move') && policy.to === undefined) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `a ${policy.action} policy needs "to": the backends to copy to` })
  }
  if (policy.action === 'move' && policy.to?.includes(policy.from ?? 'local') === true) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'a move cannot target its own source backend' })
  }
  if (policy.action === 'expire' && policy.expireAfterDays === undefined) {
    ctx.addIssue({ code: 'custom', path: ['expireAfterDays'], message: 'an expire policy needs "expireAfterDays"' })
  }
  if ((policy.action === 'evict' || policy.action === 'expire') && policy.to !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `an ${policy.action} policy copies nothing: remove "to"` })
  }
  if (policy.match.minBytes !== undefined && policy.match.maxBytes !== undefined && policy.match.minBytes > policy.match.maxBytes) {
    ctx.addIssue({ code: 'custom', path: ['match', 'maxBytes'], message: 'maxBytes is below minBytes: nothing can match' })
  }
})

/** A validated policy (defaults filled in). */
export type Policy = z.infer<typeof policySchema>
/** A policy as written (defaults optional). */
export type PolicyInput = z.input<typeof policySchema>

/**
 * A retention rule: content it matches may not be deleted (unpinned here, evicted, moved off its source, expired)
 * before `keepDays` have passed since it was added, or at all while `legalHold` is set.
 */
export const retentionSchema = z.object({
  name: nameSchema,
  match: matchSchema.default({}),
  keepDays: z.number().min(0).optional().describe('minimum days kept after it was added'),
  legalHold: z.boolean().default(false).describe('blocks every deletion until the rule is removed')
}).strict().refine(rule => rule.keepDays !== undefined || rule.legalHold, { message: 'a retention rule needs keepDays or legalHold', path: ['keepDays'] })

/** A validated retention rule. */
export type RetentionRule = z.infer<typeof retentionSchema>

/** What the planner and the matchers know about one pinned CID. */
export interface ContentItem {
  /** Root CID (v1). */
  cid: string
  /** Pin name ('' when none). */
  name: string
  tags: string[]
  /** Media type ('' when unknown). */
  mime: string
  /** DAG size in bytes. */
  size: number
  /** When it was first seen pinned here (ISO 8601), if known. */
  addedAt?: string
  /** When it was last read (ISO 8601), if ever. */
  lastReadAt?: string
  /** Backends holding a verified (`ok`) copy, with what each holds. */
  copies: Array<{ backend: string, size: number }>
}

const DAY_MS = 86_400_000

/** A glob (`*`, `?`) as an anchored regular expression. */
function globToRegExp (glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${escaped}$`, 'i')
}

/** Whether `item` matches every criterion of `match` at time `now` (ms since the epoch). */
export function matches (match: PolicyMatch, item: ContentItem, now: number): boolean {
  if (match.tags !== undefined && !match.tags.some(tag => item.tags.includes(tag))) return false
  if (match.names !== undefined && !match.names.some(glob => globToRegExp(glob).test(item.name))) return false
  if (match.mime !== undefined && !match.mime.some(type => type.endsWith('/*') ? item.mime.startsWith(type.slice(0, -1)) : item.mime === type)) return false
  if (match.minBytes !== undefined && item.size < match.minBytes) return false
  if (match.maxBytes !== undefined && item.size > match.maxBytes) return false
  const added = item.addedAt === undefined ? undefined : Date.parse(item.addedAt)
  if (match.olderThanDays !== undefined && (added === undefined || now - added < match.olderThanDays * DAY_MS)) return false
  if (match.notReadForDays !== undefined) {
    const lastTouched = item.lastReadAt === undefined ? added : Date.parse(item.lastReadAt)
    if (lastTouched === undefined || now - lastTouched < match.notReadForDays * DAY_MS) return false
  }
  const held = new Set(item.copies.map(c => c.backend))
  if (match.on !== undefined && !match.on.some(b => held.has(b))) return false
  if (match.notOn !== undefined && match.notOn.some(b => held.has(b))) return false
  return true
}

/** The retention rule that forbids deleting `item` at `now`, if any (with why). */
export function retentionBlocking (rules: readonly RetentionRule[], item: ContentItem, now: number): { rule: string, reason: string } | undefined {
  for (const rule of rules) {
    if (!matches(rule.match, item, now)) continue
    if (rule.legalHold) return { rule: rule.name, reason: `legal hold "${rule.name}"` }
    if (rule.keepDays !== undefined) {
      const added = item.addedAt === undefined ? now : Date.parse(item.addedAt)
      const until = added + rule.keepDays * DAY_MS
      if (now < until) return { rule: rule.name, reason: `retention "${rule.name}" keeps it until ${new Date(until).toISOString()}` }
    }
  }
  return undefined
}
