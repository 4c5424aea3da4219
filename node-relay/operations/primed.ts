/**
 * Pull the first item of a stream before the answer starts, so errors that happen at once (not found, a corrupt
 * first block) are thrown here and become a status, instead of a cut-short 200. Later errors end the stream early,
 * which clients detect as a short body.
 */
export async function primed<T> (source: AsyncGenerator<T>): Promise<AsyncGenerator<T>> {
  const first = await source.next()
  return (async function * (): AsyncGenerator<T> {
    if (first.done !== true) yield first.value
    yield * source
  })()
}
