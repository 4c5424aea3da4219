import { allows } from '../../core/auth/scopes.ts'
import { ForbiddenError } from '../../core/errors/index.ts'
import { OPERATIONS } from '../operations/index.ts'
import { parseInput } from '../operations/input.ts'
import { callDownload, callUpload, downloadSchemas, uploadInputSchema, uploadSources } from './byte-tools.ts'
import { guarded, toolResult } from './tool-result.ts'
import type { McpByteSurface } from './byte-tools.ts'
import type { z } from 'zod'
import type { Scope } from '../../core/auth/scopes.ts'
import type { AnyOperation, OperationComponents } from '../operations/operation.ts'
import type { UnexpectedErrorListener } from './tool-result.ts'
import type { ToolExtra } from './context.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'

/** Who calls the tools of a server: their scopes (absent: the local user, who may do anything). */
export interface ToolCaller {
  scopes?: readonly Scope[]
  name?: string
}

/** Whether every component the operation needs is present (tools that cannot work are not listed to agents). */
function runnable (op: AnyOperation, components: OperationComponents): boolean {
  return (op.requires ?? []).every(requirement => components[requirement] !== undefined)
}

/** The SDK's own argument check, which the adapter replaces for operations (see {@link validateOperationsOurselves}). */
type ValidateToolInput = (tool: unknown, args: unknown, toolName: string) => Promise<unknown>

/**
 * Let operations validate their own arguments. The SDK checks arguments against the input schema before a handler
 * runs and answers a failure with a bare `isError` text (no stable code), where REST and the CLI answer the same bad
 * input with `ERR_INVALID_INPUT` / `ERR_INVALID_CID`. For tools that are operations, the SDK's check (a method of
 * `McpServer`, 1.x) is skipped and the handler validates with the operation's schema, so the same bad input gets the
 * same code on every surface; other tools keep the SDK's check. The surface-parity test fails if an SDK upgrade
 * changes this.
 */
function validateOperationsOurselves (server: McpServer, names: ReadonlySet<string>): void {
  const target = server as unknown as { validateToolInput?: ValidateToolInput }
  const original = target.validateToolInput
  if (typeof original !== 'function') throw new Error('the MCP SDK no longer has McpServer.validateToolInput: revisit node-relay/mcp/operation-tools.ts')
  const sdkCheck = original.bind(server)
  target.validateToolInput = async (tool, args, toolName) => names.has(toolName) ? (args ?? {}) : sdkCheck(tool, args, toolName)
}

/** What the MCP adapter needs besides the components: who calls, and what the transport allows for bytes. */
export interface OperationToolsOptions extends McpByteSurface {
  caller: ToolCaller
  onUnexpected?: UnexpectedErrorListener
  /** Default: the whole table. */
  operations?: readonly AnyOperation[]
}

/** A tool's schemas and description: the operation's, plus how MCP carries the bytes of downloads and uploads. */
function toolShapeOf (op: AnyOperation, surface: McpByteSurface): { description: string, input: z.ZodObject, output: z.ZodObject } {
  if (op.kind === 'download') {
    const { input, output } = downloadSchemas(op, surface)
    const how = op.ranged === true
      ? ` At most ${surface.maxInlineBytes} bytes are returned per call (text, or a base64 blob for binary data); \`nextOffset\` says where the next call starts.`
      : ` Returned as a base64 blob up to ${surface.maxInlineBytes} bytes` + (surface.localFiles ? '; with `path`, written to a new local file of any size.' : '; bigger ones are refused with the URL to download them from.')
    return { description: op.description + how, input, output }
  }
  if (op.kind === 'upload') return { description: op.description + uploadSources(op, surface), input: uploadInputSchema(op, surface), output: op.output }
  return { description: op.description, input: op.input, output: op.output }
}

/**
 * Register every operation of the table whose components are present as an MCP tool: the operation's name,
 * schemas and annotations; `structuredContent` for the output; failures as `isError` with the stable code.
 * Downloads and uploads carry their bytes as node-relay/mcp/byte-tools.ts says.
 */
export function registerOperationTools (server: McpServer, components: OperationComponents, options: OperationToolsOptions): void {
  const { caller, onUnexpected } = options
  const operations = options.operations ?? OPERATIONS
  const demand = (scope: Scope): void => {
    if (caller.scopes === undefined || allows(caller.scopes, scope)) return
    throw new ForbiddenError(`the key ${caller.name ?? 'caller'} lacks the ${scope} scope`)
  }
  validateOperationsOurselves(server, new Set(operations.map(op => op.name)))
  for (const op of operations) {
    if (!runnable(op, components)) continue
    const shape = toolShapeOf(op, options)
    server.registerTool(op.name, {
      title: op.title,
      description: shape.description,
      inputSchema: shape.input,
      outputSchema: shape.output,
      annotations: {
        title: op.title,
        readOnlyHint: op.annotations.readOnly,
        destructiveHint: op.annotations.destructive,
        idempotentHint: op.annotations.idempotent,
        openWorldHint: op.annotations.openWorld
      }
    }, guarded(op.name, async (args: Record<string, unknown>, extra: ToolExtra) => {
      const run = { signal: extra.signal, demand, caller: caller.name }
      if (op.kind === 'download') return await callDownload(op, components, args ?? {}, run, options)
      if (op.kind === 'upload') return await callUpload(op, components, args ?? {}, run, options)
      const input = parseInput(op, args, false)
      return toolResult(await op.run(components, input, run))
    }, onUnexpected))
  }
}
