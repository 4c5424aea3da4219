/**
 * @packageDocumentation
 *
 * Scopes and roles of ipfs-kit's access control (docs/SECURITY.md). A scope names one kind of action; a role is a
 * named list of scopes. Storage scopes name a backend (`storage:s3-cold:write`) or every backend (`storage:*:write`).
 */

/** The scopes of actions that are not about one storage backend. */
export const BASE_SCOPES = ['content:read', 'content:write', 'pins:write', 'cluster:write', 'registry:write', 'search', 'metrics', 'admin'] as const

/** A scope: one of {@link BASE_SCOPES}, `storage:<backend>:read|write` (`*` = every backend), or `*` (everything). */
export type Scope = typeof BASE_SCOPES[number] | `storage:${string}:${'read' | 'write'}` | '*'

/** Built-in roles. `admin` holds every scope, including key management. */
export const ROLES = {
  admin: ['*'],
  writer: ['content:read', 'content:write', 'pins:write', 'registry:write', 'search', 'metrics', 'storage:*:read', 'storage:*:write'],
  pinner: ['content:read', 'pins:write', 'cluster:write', 'search', 'metrics', 'storage:*:read'],
  reader: ['content:read', 'search', 'metrics', 'storage:*:read']
} as const satisfies Record<string, readonly Scope[]>

/** A built-in role's name. */
export type RoleName = keyof typeof ROLES

const STORAGE_SCOPE = /^storage:([\w.*-]+):(read|write)$/

/** Whether `value` is a well-formed scope. */
export function isScope (value: string): value is Scope {
  return value === '*' || (BASE_SCOPES as readonly string[]).includes(value) || STORAGE_SCOPE.test(value)
}

/** Whether `value` names a built-in role. */
export function isRole (value: string): value is RoleName {
  return Object.hasOwn(ROLES, value)
}

/** The scopes a role grants. */
export function scopesOfRole (role: RoleName): readonly Scope[] {
  return ROLES[role]
}

/**
 * Whether the granted scopes allow `required`: `*` allows everything; `storage:*:write` allows writing to every
 * backend; a required `storage:*:write` (an action on backends chosen later) needs the wildcard itself.
 */
export function allows (granted: readonly Scope[], required: Scope): boolean {
  if (granted.includes('*') || granted.includes(required)) return true
  const wanted = STORAGE_SCOPE.exec(required)
  if (wanted === null) return false
  return granted.includes(`storage:*:${wanted[2] as 'read' | 'write'}`)
}

/**
 * The route-level check for actions whose backends are only known inside the route (`storage:*:write` on `POST
 * /api/v1/storage/{cid}`): any grant for that action on some backend lets the request in; the route then checks
 * each backend it touches with {@link allows}.
 */
export function allowsSomeBackend (granted: readonly Scope[], required: Scope): boolean {
  if (allows(granted, required)) return true
  const wanted = STORAGE_SCOPE.exec(required)
  if (wanted?.[1] !== '*') return false
  return granted.some(scope => STORAGE_SCOPE.exec(scope)?.[2] === wanted[2])
}
