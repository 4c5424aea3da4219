import type { LineageInput, RegistryKind, VersionRecord } from './types.ts'

/** A node of a lineage graph: a registered version, or a bare CID nobody registered (training code, a config). */
export interface LineageNode {
  /** `model/name@3`, `dataset/name@1`, or the CID for an unregistered input. */
  id: string
  cid: string
  kind?: RegistryKind
  name?: string
  version?: number
}

/** An edge: `to` was made from `from` (as `role`). */
export interface LineageEdge {
  from: string
  to: string
  role?: string
}

/** A lineage graph around one version. */
export interface LineageGraph {
  root: string
  nodes: LineageNode[]
  edges: LineageEdge[]
}

/** The id of a registered version in lineage graphs. */
export function versionId (kind: RegistryKind, name: string, version: number): string {
  return `${kind}/${name}@${version}`
}

/** What {@link walkLineage} reads from the registry. */
export interface LineageSource {
  /** The registered versions whose root is `cid`. */
  versionsWithCid: (cid: string) => VersionRecord[]
  /** The registered versions that declared `cid` as an input. */
  derivedFrom: (cid: string) => VersionRecord[]
  /** The version an input names, when it names one that still exists. */
  versionOf: (input: LineageInput) => VersionRecord | undefined
}

function nodeOf (record: VersionRecord): LineageNode {
  return { id: versionId(record.kind, record.name, record.version), cid: record.cid, kind: record.kind, name: record.name, version: record.version }
}

/**
 * Walk the lineage graph from `start`: `up` follows inputs (what it was made from), `down` follows versions that
 * declared it as an input (what was made from it), each to at most `depth` steps. Visits every node once.
 */
export function walkLineage (source: LineageSource, start: VersionRecord, direction: 'up' | 'down' | 'both', depth: number): LineageGraph {
  const nodes = new Map<string, LineageNode>()
  const edges = new Map<string, LineageEdge>()
  const root = nodeOf(start)
  nodes.set(root.id, root)
  const addEdge = (edge: LineageEdge): void => { edges.set(`${edge.from}>${edge.to}>${edge.role ?? ''}`, edge) }
  if (direction !== 'down') {
    let frontier = [start]
    for (let step = 0; step < depth && frontier.length > 0; step++) {
      const next: VersionRecord[] = []
      for (const record of frontier) {
        const to = versionId(record.kind, record.name, record.version)
        for (const input of record.inputs) {
          const parent = source.versionOf(input) ?? source.versionsWithCid(input.cid)[0]
          const node: LineageNode = parent === undefined ? { id: input.cid, cid: input.cid } : nodeOf(parent)
          addEdge({ from: node.id, to, ...(input.role === undefined ? {} : { role: input.role }) })
          if (nodes.has(node.id)) continue
          nodes.set(node.id, node)
          if (parent !== undefined) next.push(parent)
        }
      }
      frontier = next
    }
  }
  if (direction !== 'up') {
    let frontier = [start]
    const seen = new Set([root.id])
    for (let step = 0; step < depth && frontier.length > 0; step++) {
      const next: VersionRecord[] = []
      for (const record of frontier) {
        const from = versionId(record.kind, record.name, record.version)
        for (const child of source.derivedFrom(record.cid)) {
          const node = nodeOf(child)
          for (const input of child.inputs.filter(i => i.cid === record.cid)) addEdge({ from, to: node.id, ...(input.role === undefined ? {} : { role: input.role }) })
          nodes.set(node.id, node)
          if (seen.has(node.id)) continue
          seen.add(node.id)
          next.push(child)
        }
      }
      frontier = next
    }
  }
  return { root: root.id, nodes: [...nodes.values()], edges: [...edges.values()] }
}

/**
 * Whether declaring `inputs` for a new version rooted at `cid` closes a cycle: some input is `cid` itself, or was
 * (transitively) made from it. Returns the path that closes it (CIDs, input first), or undefined.
 */
export function findCycle (source: LineageSource, cid: string, inputs: readonly LineageInput[]): string[] | undefined {
  const parents = new Map<string, string>()
  const queue: string[] = []
  for (const input of inputs) {
    if (!parents.has(input.cid)) {
      parents.set(input.cid, '')
      queue.push(input.cid)
    }
  }
  while (queue.length > 0) {
    const current = queue.shift() ?? ''
    if (current === cid) {
      const path = [current]
      for (let at = parents.get(current) ?? ''; at !== ''; at = parents.get(at) ?? '') path.push(at)
      return path
    }
    for (const record of source.versionsWithCid(current)) {
      for (const input of record.inputs) {
        if (parents.has(input.cid)) continue
        parents.set(input.cid, current)
        queue.push(input.cid)
      }
    }
  }
  return undefined
}
