import { DEFAULT_MAX_INLINE_BYTES } from './context.ts'
import type { OAuthResourceConfig } from './oauth.ts'

/** The relay config's `mcp` section, as the MCP transports use it. */
export interface McpConfig {
  /** Bearer token required on `/mcp` when set. */
  token?: string
  /** Browser origins allowed on `/mcp` besides localhost ones, e.g. `https://app.example.com`. */
  allowedOrigins: string[]
  /** Largest payload a tool or resource returns inline. */
  maxInlineBytes: number
  /** Accept access tokens from this OAuth authorization server (already validated by the config schema). */
  oauth?: OAuthResourceConfig
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * Read `config.mcp` (`{ token?, allowedOrigins?, maxInlineBytes? }`) defensively: the section is optional, and every
 * field falls back to its default when absent or of the wrong type.
 */
export function readMcpConfig (config: unknown): McpConfig {
  const section = isRecord(config) && isRecord(config.mcp) ? config.mcp : {}
  const token = typeof section.token === 'string' && section.token.length > 0 ? section.token : undefined
  const allowedOrigins = Array.isArray(section.allowedOrigins) ? section.allowedOrigins.filter((o): o is string => typeof o === 'string') : []
  const max = section.maxInlineBytes
  const maxInlineBytes = typeof max === 'number' && Number.isInteger(max) && max > 0 ? max : DEFAULT_MAX_INLINE_BYTES
  const oauth = isRecord(section.oauth) && typeof section.oauth.issuer === 'string' ? section.oauth as unknown as OAuthResourceConfig : undefined
  return { token, allowedOrigins, maxInlineBytes, ...(oauth === undefined ? {} : { oauth }) }
}
