import { createHook } from 'node:async_hooks'

/** The tick object kept, once `keepNextTickShape` ran. */
let kept: object | undefined

/**
 * Keeps one of Node's `process.nextTick` tick objects alive for the life of the process, so the hidden classes
 * ("maps") V8 built for that object's literal are never freed.
 *
 * Why: Node builds every tick as one object literal with computed (symbol) keys. A process that idles for 25 s or
 * more lets V8's memory reducer run full collections; when no tick object is alive at that moment, the maps of the
 * literal's transition chain are collected, and the optimized `processTicksAndRejections` keeps building every later
 * tick through V8's runtime (`Runtime_DefineKeyedOwnPropertyInLiteral`, `JSObject::MigrateToMap`) instead of its fast
 * path. Measured on the relay (docs/PERFORMANCE.md, "the slow state"): a relay first loaded after idling served small
 * requests 13–25% slower for the rest of its life, and `perf` showed those two runtime functions only in that state.
 * With one tick object kept, they are gone from the profile, and an idle relay served like a fresh one in the A/B and
 * in three bench runs of four.
 *
 * The object is taken from an `async_hooks` init hook that is enabled only around one `process.nextTick` call made
 * here, so no hook runs afterwards. Safe to call more than once; later calls return the object kept first. Only a
 * speed matter: if a Node version stops handing the tick object to the hook, nothing is kept and nothing fails.
 * @returns the kept tick object, or undefined when Node did not hand one over
 */
export function keepNextTickShape (): object | undefined {
  if (kept !== undefined) return kept
  const marker = (): void => {}
  let found: object | undefined
  const hook = createHook({
    init (_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject' && found === undefined && isTickOf(resource, marker)) found = resource
    }
  })
  hook.enable()
  try {
    process.nextTick(marker)
  } finally {
    hook.disable()
  }
  kept = found
  return kept
}

/** Whether `resource` is the tick object of `callback` (Node keeps the callback on it as `callback`). */
function isTickOf (resource: object, callback: () => void): boolean {
  return 'callback' in resource && resource.callback === callback
}

/** The tick object {@link keepNextTickShape} kept, or undefined before it ran (lets tests check a relay keeps one). */
export function keptTickObject (): object | undefined {
  return kept
}
