/**
 * The metric names a PromQL expression reads, for tests that hold dashboards and alert rules to what the relay
 * exports. Not a PromQL parser: it removes strings, label matchers, ranges and grouping clauses, then keeps the
 * identifiers that are neither functions, aggregations nor keywords.
 */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan'])

/** Every metric name in `expr` (Grafana variables such as `$__rate_interval` are ignored). */
export function metricNamesIn (expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$[\w]+/g, ' ')
  const names = new Set<string>()
  for (const match of bare.matchAll(/(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0]
    const next = bare.slice((match.index ?? 0) + name.length).trimStart()
    if (next.startsWith('(') || KEYWORDS.has(name.toLowerCase())) continue
    names.add(name)
  }
  return [...names]
}
