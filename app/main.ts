/// <reference types="vite/client" />
/**
 * @packageDocumentation
 *
 * The PWA's entry: mounts the Svelte app (Files, Network, Settings) and registers the service worker that keeps the
 * app shell available offline. Built by `vite build` into `dist/`, which the relay serves at `/`.
 */
import { mount } from 'svelte'
import App from './ui/App.svelte'

const target = document.getElementById('app')
if (target === null) throw new Error('index.html has no #app element')
mount(App, { target })

// not under `vite` dev (the shell would be cached while it is being edited)
if ('serviceWorker' in navigator && import.meta.env.MODE !== 'development') {
  navigator.serviceWorker.register('/sw.js').catch((err: unknown) => { console.warn('service worker not registered', err) })
}
