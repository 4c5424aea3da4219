import { allows } from '../../core/auth/scopes.ts'
import { ForbiddenError } from '../../core/errors/index.ts'
import { TOOL_SCOPES } from '../auth/tool-scopes.ts'
import { ERROR_META_KEY, toolError } from './tool-result.ts'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { Scope } from '../../core/auth/scopes.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'

type RegisterTool = McpServer['registerTool']

/** Told after each call of a tool that changes something: the tool, and whether it failed (its error code). */
export type ToolAuditor = (tool: string, outcome: { ok: boolean, code?: string }) => void

/** Whether a scope only reads (calls needing it are not audited). */
function readOnly (scope: Scope | 'public'): boolean {
  return scope === 'public' || scope === 'content:read' || scope === 'search' || scope === 'metrics' || /^storage:[^:]+:read$/.test(scope)
}

/**
 * Check every tool of `server` against the caller's scopes, in one place: tools are registered through this wrapper,
 * which refuses a tool with no entry in node-relay/auth/tool-scopes.ts, and answers a call the caller's key does not
 * allow with an `isError` result coded `ERR_FORBIDDEN` (the tool stays listed, so an agent learns why it failed).
 * Call before registering tools.
 */
export function checkToolScopes (server: McpServer, granted: readonly Scope[], who: string, audit?: ToolAuditor): void {
  const register: RegisterTool = server.registerTool.bind(server)
  const checked = (name: string, config: Parameters<RegisterTool>[1], callback: Parameters<RegisterTool>[2]): ReturnType<RegisterTool> => {
    const scope = TOOL_SCOPES[name]
    if (scope === undefined) throw new Error(`MCP tool ${name} declares no scope: add it to node-relay/auth/tool-scopes.ts`)
    if (scope === 'public' || allows(granted, scope)) {
      if (audit === undefined || readOnly(scope)) return register(name, config, callback)
      const run = callback as (...args: unknown[]) => Promise<CallToolResult>
      const audited = async (...args: unknown[]): Promise<CallToolResult> => {
        const result = await run(...args)
        const meta = result._meta?.[ERROR_META_KEY] as { code?: string } | undefined
        audit(name, result.isError === true ? { ok: false, code: meta?.code } : { ok: true })
        return result
      }
      return register(name, config, audited as unknown as Parameters<RegisterTool>[2])
    }
    const refuse = async (): Promise<ReturnType<typeof toolError>> => {
      audit?.(name, { ok: false, code: 'ERR_FORBIDDEN' })
      return toolError(new ForbiddenError(`the key ${who} lacks the ${scope} scope for ${name}`))
    }
    return register(name, config, refuse as unknown as Parameters<RegisterTool>[2])
  }
  server.registerTool = checked
}
