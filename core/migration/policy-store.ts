import { Key } from 'interface-datastore'
import { NotFoundError } from '../errors/index.ts'
import { ConflictError } from './errors.ts'
import { policySchema } from './policy.ts'
import type { Policy, PolicyInput } from './policy.ts'
import type { Datastore } from 'interface-datastore'

/** A policy and where it is defined: the config file (read-only here) or the API (kept in the datastore). */
export interface StoredPolicy extends Policy {
  source: 'config' | 'api'
}

/**
 * The policies in force: those of the config file, then those added over the API (persisted, one datastore entry
 * each). Names are unique across both; config policies are changed in the config file only.
 */
export class PolicyStore {
  private readonly datastore: Datastore
  private readonly prefix: string
  private readonly fromConfig: Policy[]
  private readonly added = new Map<string, Policy>()

  constructor (init: { datastore: Datastore, config: readonly Policy[], prefix?: string }) {
    this.datastore = init.datastore
    this.fromConfig = [...init.config]
    this.prefix = init.prefix ?? '/ipfs-kit/migration/policies'
  }

  /** Read the API-added policies (an entry that no longer validates is skipped, not fatal). */
  async load (): Promise<void> {
    this.added.clear()
    for await (const { value } of this.datastore.query({ prefix: `${this.prefix}/` })) {
      try {
        const policy = policySchema.parse(JSON.parse(new TextDecoder().decode(value)))
        if (!this.fromConfig.some(p => p.name === policy.name)) this.added.set(policy.name, policy)
      } catch { /* skipped: written by a version with another policy language */ }
    }
  }

  /** Every policy, config first, each with its source. */
  list (): StoredPolicy[] {
    return [
      ...this.fromConfig.map(p => ({ ...p, source: 'config' as const })),
      ...[...this.added.values()].sort((a, b) => a.name.localeCompare(b.name)).map(p => ({ ...p, source: 'api' as const }))
    ]
  }

  /** Policies as the planner takes them. */
  policies (): Policy[] {
    return [...this.fromConfig, ...this.added.values()]
  }

  /** Add (or, with `replace`, change) an API policy; `ERR_INVALID_INPUT` names a bad field. */
  async add (input: PolicyInput, options: { replace?: boolean } = {}): Promise<StoredPolicy> {
    const policy = policySchema.parse(input)
    if (this.fromConfig.some(p => p.name === policy.name)) throw new ConflictError(`policy "${policy.name}" is defined in the config file: change it there`)
    if (this.added.has(policy.name) && options.replace !== true) throw new ConflictError(`a policy named "${policy.name}" exists (replace it, or pick another name)`)
    await this.datastore.put(new Key(`${this.prefix}/${policy.name}`), new TextEncoder().encode(JSON.stringify(policy)))
    this.added.set(policy.name, policy)
    return { ...policy, source: 'api' }
  }

  /** Remove an API policy. */
  async remove (name: string): Promise<void> {
    if (this.fromConfig.some(p => p.name === name)) throw new ConflictError(`policy "${name}" is defined in the config file: remove it there`)
    if (!this.added.has(name)) throw new NotFoundError(`no policy named "${name}"`)
    await this.datastore.delete(new Key(`${this.prefix}/${name}`))
    this.added.delete(name)
  }
}
