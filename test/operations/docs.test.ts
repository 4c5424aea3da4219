import { readFile } from 'node:fs/promises'
import { expect } from 'vitest'
import { OPERATIONS } from '../../node-relay/operations/index.ts'
import { descriptionOf, inputFields } from '../../node-relay/operations/input.ts'
import { operationsReference } from '../../node-relay/operations/reference.ts'

describe('the operation table', () => {
  it('docs/OPERATIONS.md is what the table generates (run `npm run docs` after changing an operation)', async () => {
    const written = await readFile(new URL('../../docs/OPERATIONS.md', import.meta.url), 'utf8')
    expect(written).toBe(operationsReference())
  })

  it('every operation has a unique name and route, a description, a scope, and every input field described', () => {
    const names = new Set<string>()
    const routes = new Set<string>()
    for (const op of OPERATIONS) {
      expect(op.name, op.name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/)
      expect(names.has(op.name), `${op.name} twice`).toBe(false)
      names.add(op.name)
      const route = `${op.rest.method} ${op.rest.path}`
      expect(routes.has(route), `${route} twice`).toBe(false)
      routes.add(route)
      expect(op.description.length, `${op.name} description`).toBeGreaterThan(20)
      expect(op.title.length, `${op.name} title`).toBeGreaterThan(3)
      expect(op.scope, `${op.name} scope`).toMatch(/^(public|content:read|content:write|pins:write|cluster:write|registry:write|search|metrics|admin|storage:[^:]+:(read|write))$/)
      for (const [field, schema] of Object.entries(inputFields(op))) expect(descriptionOf(schema), `${op.name}.${field} has no description`).not.toBe('')
      for (const alias of op.aliases ?? []) expect(names.has(alias) || OPERATIONS.some(o => o !== op && o.name === alias), `alias ${alias} shadows an operation`).toBe(false)
    }
  })
})
