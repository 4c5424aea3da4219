import { allows } from '../../core/auth/scopes.ts'
import { ForbiddenError } from '../../core/errors/index.ts'
import { OPERATIONS } from '../operations/index.ts'
import { parseInput } from '../operations/input.ts'
import { guarded, toolResult } from './tool-result.ts'
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

/**
 * Register every operation of the table whose components are present as an MCP tool: the operation's name,
 * schemas and annotations; `structuredContent` for the output; failures as `isError` with the stable code.
 */
export function registerOperationTools (server: McpServer, components: OperationComponents, caller: ToolCaller, onUnexpected?: UnexpectedErrorListener, operations: readonly AnyOperation[] = OPERATIONS): void {
  const demand = (scope: Scope): void => {
    if (caller.scopes === undefined || allows(caller.scopes, scope)) return
    throw new ForbiddenError(`the key ${caller.name ?? 'caller'} lacks the ${scope} scope`)
  }
  validateOperationsOurselves(server, new Set(operations.map(op => op.name)))
  for (const op of operations) {
    if (!runnable(op, components)) continue
    server.registerTool(op.name, {
      title: op.title,
      description: op.description,
      inputSchema: op.input,
      outputSchema: op.output,
      annotations: {
        title: op.title,
        readOnlyHint: op.annotations.readOnly,
        destructiveHint: op.annotations.destructive,
        idempotentHint: op.annotations.idempotent,
        openWorldHint: op.annotations.openWorld
      }
    }, guarded(op.name, async (args: Record<string, unknown>, extra: ToolExtra) => {
      const input = parseInput(op, args, false)
      const output = await op.run(components, input, { signal: extra.signal, demand, caller: caller.name })
      return toolResult(output)
    }, onUnexpected))
  }
}
