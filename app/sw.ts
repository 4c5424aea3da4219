/**
 * @packageDocumentation
 *
 * The service worker: precaches the app shell in a cache named by build version (`ipfs-kit-shell-<version>`), drops
 * older versions on activate, and answers navigations to the app network-first (falling back to the cached shell when offline)
 * and hashed assets cache-first. The relay's API, gateway and WebSocket are never cached. Bundled by vite.config.ts
 * into `dist/sw.js` with `__SW_VERSION__` and `__SW_SHELL__` filled in.
 */
/// <reference lib="webworker" />

declare const __SW_VERSION__: string
declare const __SW_SHELL__: string[]

const sw = self as unknown as ServiceWorkerGlobalScope
const CACHE = __SW_VERSION__
const SHELL = __SW_SHELL__
const NEVER_CACHED = ['/api/', '/ipfs/', '/ws', '/health', '/metrics', '/docs']

sw.addEventListener('install', event => {
  event.waitUntil(caches.open(CACHE).then(async cache => { await cache.addAll(SHELL) }).then(async () => { await sw.skipWaiting() }))
})

sw.addEventListener('activate', event => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('ipfs-kit-shell-') && key !== CACHE) await caches.delete(key)
    }
    await sw.clients.claim()
  })())
})

async function networkFirst (request: Request): Promise<Response> {
  try {
    const response = await fetch(request)
    if (response.ok) {
      const cache = await caches.open(CACHE)
      await cache.put('/', response.clone())
    }
    return response
  } catch (err) {
    const cached = await caches.match('/')
    if (cached !== undefined) return cached
    throw err
  }
}

async function cacheFirst (request: Request): Promise<Response> {
  const cached = await caches.match(request)
  if (cached !== undefined) return cached
  const response = await fetch(request)
  if (response.ok) {
    const cache = await caches.open(CACHE)
    await cache.put(request, response.clone())
  }
  return response
}

sw.addEventListener('fetch', event => {
  const url = new URL(event.request.url)
  if (event.request.method !== 'GET' || url.origin !== sw.location.origin) return
  if (NEVER_CACHED.some(prefix => url.pathname.startsWith(prefix))) return
  if (event.request.mode === 'navigate' && (url.pathname === '/' || url.pathname === '/index.html')) {
    event.respondWith(networkFirst(event.request))
  } else if (SHELL.includes(url.pathname) || url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(event.request))
  }
})
