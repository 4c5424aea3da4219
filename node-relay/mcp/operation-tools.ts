import { allows } from '../../core/auth/scopes.ts'
import { ForbiddenError } from '../../core/errors/index.ts'
import { OPERATIONS } from '../operations/index.ts'
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

/**
 * Register every operation of the table whose components are present as an MCP tool: the operation's name,
 * schemas and annotations; `structuredContent` for the output; failures as `isError` with the stable code.
 */
export function registerOperationTools (server: McpServer, components: OperationComponents, caller: ToolCaller, onUnexpected?: UnexpectedErrorListener, operations: readonly AnyOperation[] = OPERATIONS): void {
  const demand = (scope: Scope): void => {
    if (caller.scopes === undefined || allows(caller.scopes, scope)) return
    throw new ForbiddenError(`the key ${caller.name ?? 'caller'} lacks the ${scope} scope`)
  }
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
      const output = await op.run(components, args, { signal: extra.signal, demand, caller: caller.name })
      return toolResult(output)
    }, onUnexpected))
  }
}
