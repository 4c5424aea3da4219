import { z } from 'zod'
import { OPERATIONS } from './index.ts'
import { descriptionOf, fieldKind, flagNameOf, inputFields, isOptionalField } from './input.ts'
import type { AnyOperation } from './operation.ts'

/** The CLI usage of an operation: `ipfs-kit pin add <cid> [--name <value>] …`. */
export function cliUsage (op: AnyOperation): string | undefined {
  const cli = op.cli
  if (cli === undefined) return undefined
  const parts = ['ipfs-kit', ...cli.command]
  if (cli.custom === true) return `${parts.join(' ')} … (its own flags: ipfs-kit ${cli.command.join(' ')} --help)`
  const fields = inputFields(op)
  for (const name of cli.args ?? []) parts.push(isOptionalField(fields[name] ?? z.never()) ? `[${name}]` : `<${name}>`)
  if (op.kind === 'upload') parts.push('<file|->')
  for (const [name, schema] of Object.entries(fields)) {
    if ((cli.args ?? []).includes(name)) continue
    const flag = `--${flagNameOf(op, name)}`
    const kind = fieldKind(schema)
    const text = kind === 'boolean' ? flag : `${flag} <${kind === 'record' ? 'key=value' : 'value'}>${kind === 'array' || kind === 'record' ? '…' : ''}`
    parts.push(isOptionalField(schema) ? `[${text}]` : text)
  }
  if (op.kind === 'download') parts.push('[-o <file>]')
  return parts.join(' ')
}

function typeOf (schema: z.ZodType): string {
  const kind = fieldKind(schema)
  return kind === 'other' ? 'object' : kind === 'record' ? 'key → value' : kind === 'array' ? 'list' : kind
}

function cell (text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

function section (op: AnyOperation): string[] {
  const fields = Object.entries(inputFields(op))
  const lines = [
    `### \`${op.name}\` — ${op.title}`,
    '',
    op.description,
    '',
    `- REST: \`${op.rest.method} ${op.rest.path}\``,
    `- MCP tool: \`${op.name}\`${(op.requires ?? []).length > 0 ? ` (listed when the node has: ${(op.requires ?? []).join(', ')})` : ''}`,
    `- CLI: ${cliUsage(op) === undefined ? '—' : `\`${cliUsage(op) ?? ''}\``}`,
    `- Scope: \`${op.scope}\`; ${[op.annotations.readOnly ? 'read-only' : 'changes state', op.annotations.destructive ? 'destructive' : '', op.annotations.idempotent ? 'idempotent' : '', op.annotations.openWorld ? 'reaches peers or backends' : ''].filter(s => s !== '').join(', ')}`,
    ...(op.aliases === undefined || op.aliases.length === 0 ? [] : [`- Also known as: ${op.aliases.map(a => `\`${a}\``).join(', ')}`]),
    ''
  ]
  if (fields.length > 0) {
    lines.push('| Input | Type | Required | Description |', '|---|---|---|---|')
    for (const [name, schema] of fields) lines.push(`| \`${name}\` | ${typeOf(schema)} | ${isOptionalField(schema) ? 'no' : 'yes'} | ${cell(descriptionOf(schema))} |`)
    lines.push('')
  }
  return lines
}

/**
 * `docs/OPERATIONS.md`, generated from the operation table (`npm run docs`): one row per operation with its REST route,
 * MCP tool, CLI command and scope, then one section per operation with its inputs. A test fails when the file
 * differs from what the table generates.
 */
export function operationsReference (operations: readonly AnyOperation[] = OPERATIONS): string {
  const lines = [
    '# Operations',
    '',
    '<!-- generated from node-relay/operations by `npm run docs`: edit the operations, not this file -->',
    '',
    'Every operation is written once (node-relay/operations) and served on every surface from that one definition:',
    'the REST API (OpenAPI at `/docs`), the MCP server (`/mcp` and `ipfs-kit mcp`) and the CLI. Errors carry the same',
    'stable code everywhere (see core/errors/status.ts): HTTP status from the table, MCP `isError` with the code first,',
    'CLI exit code. Streaming routes (add, cat, get, CAR, blocks, the gateway, search by query string) are written by',
    'hand over the same service; see docs/ARCHITECTURE.md.',
    '',
    '| Operation | REST | MCP | CLI | Scope |',
    '|---|---|---|---|---|'
  ]
  for (const op of operations) {
    const cli = op.cli === undefined ? '—' : `\`ipfs-kit ${op.cli.command.join(' ')}\``
    lines.push(`| [${op.title}](#${op.name}--${op.title.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')}) | \`${op.rest.method} ${op.rest.path}\` | \`${op.name}\` | ${cli} | \`${op.scope}\` |`)
  }
  lines.push('')
  for (const op of operations) lines.push(...section(op))
  return lines.join('\n')
}
