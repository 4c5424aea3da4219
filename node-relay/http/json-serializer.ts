/**
 * A route's `serializerCompiler` for routes whose response schemas exist for the OpenAPI docs only: the answer is
 * written with `JSON.stringify`. Fastify would otherwise compile each schema with fast-json-stringify, which drops
 * fields a schema does not list and, for a schema of "any object", walks every key (5% of the relay's time under a
 * `/health` load, docs/PERFORMANCE.md).
 */
export function plainJsonSerializer (): (data: unknown) => string {
  return (data) => JSON.stringify(data)
}
