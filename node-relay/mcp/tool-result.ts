import { IpfsKitError } from '../../core/errors/index.ts'
import { toErrorResponse } from '../http/errors.ts'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'

/** The `_meta` key under which a failed tool call carries its stable error code and HTTP-equivalent status. */
export const ERROR_META_KEY = 'ipfs-kit/error'

export { TooLargeError } from '../../core/errors/index.ts'

/** A content item of a tool result. */
export type ToolContent = CallToolResult['content'][number]

/**
 * A successful result: `structuredContent` for clients that read the output schema, and content items for the model
 * (the JSON of the structured value unless other items are given).
 */
export function toolResult (value: Record<string, unknown>, content?: ToolContent[]): CallToolResult {
  return { content: content ?? [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value }
}

/**
 * A failed call as an `isError` result: the text starts with the stable code (`ERR_NOT_FOUND: …`) so the model sees
 * it, and `_meta['ipfs-kit/error']` carries `{ code, status }` for programs. The status comes from the one table in
 * `core/errors/status.ts`, through the same mapping the REST API uses.
 */
export function toolError (err: unknown): CallToolResult {
  const { status, body } = toErrorResponse(err)
  const message = body.code === 'ERR_INTERNAL' && err instanceof Error ? `internal error: ${err.message}` : body.message
  return {
    isError: true,
    content: [{ type: 'text', text: `${body.code}: ${message}` }],
    _meta: { [ERROR_META_KEY]: { code: body.code, status } }
  }
}

/** Called with errors that are not ipfs-kit's own (bugs, vendor failures), for the log. */
export type UnexpectedErrorListener = (err: unknown, tool: string) => void

/**
 * Wrap a tool handler so nothing it throws escapes: typed errors become `isError` results with their code, and
 * unexpected ones are also reported to `onUnexpected`.
 */
export function guarded<A, E> (tool: string, handler: (args: A, extra: E) => Promise<CallToolResult>, onUnexpected?: UnexpectedErrorListener): (args: A, extra: E) => Promise<CallToolResult> {
  return async (args, extra) => {
    try {
      return await handler(args, extra)
    } catch (err) {
      if (!(err instanceof IpfsKitError) && !(err instanceof Error && err.name === 'AbortError')) onUnexpected?.(err, tool)
      return toolError(err)
    }
  }
}
