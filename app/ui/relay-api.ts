/**
 * The JSON body of a relay API answer, or an error reading `ERR_…: message` (the relay's error shape) so views can
 * show it as it is.
 */
export async function readJson<T> (res: Response): Promise<T> {
  const body: unknown = await res.json()
  if (!res.ok) {
    const { code, message } = body as { code?: string, message?: string }
    throw new Error(`${code ?? res.status}: ${message ?? ''}`)
  }
  return body as T
}
