/**
 * The gateway as a browser uses it (Kubo's path gateway behaviour): files with their type, a directory's index.html,
 * an HTML listing otherwise, and stored pages sandboxed away from the relay's origin.
 */
import { expect } from 'vitest'
import { startTestRelay } from './support.ts'
import type { TestRelay } from './support.ts'

let relay: TestRelay
let site: string
let docs: string

async function addTree (files: Record<string, string>): Promise<string> {
  const form = new FormData()
  for (const [path, text] of Object.entries(files)) form.append('file', new Blob([text]), path)
  const res = await fetch(`${relay.url}/api/v1/add?wrap=true`, { method: 'POST', body: form })
  if (!res.ok) throw new Error(`add: ${res.status} ${await res.text()}`)
  return (await res.json() as { cid: string }).cid
}

beforeAll(async () => {
  relay = await startTestRelay()
  site = await addTree({ 'index.html': '<!doctype html><title>home</title><p>welcome</p>', 'about.txt': 'plain words' })
  docs = await addTree({ 'notes.txt': 'notes', 'page.html': '<!doctype html><script>1</script>', 'pic.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>', 'noext': '# a markdown title\nbody', 'sub/deep.md': '# deep' })
})
afterAll(async () => { await relay?.destroy() })

describe('gateway for browsers', () => {
  it('serves files with their type: by extension, else sniffed; text in UTF-8', async () => {
    const text = await fetch(`${relay.url}/ipfs/${docs}/notes.txt`)
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await text.text()).toBe('notes')
    expect((await fetch(`${relay.url}/ipfs/${docs}/noext`)).headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect((await fetch(`${relay.url}/ipfs/${docs}/sub/deep.md`)).headers.get('content-type')).toBe('text/markdown; charset=utf-8')
  })

  it('sandboxes stored HTML and SVG (an opaque origin, not the relay\'s)', async () => {
    const page = await fetch(`${relay.url}/ipfs/${docs}/page.html`)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toMatch(/^sandbox /)
    expect((await fetch(`${relay.url}/ipfs/${docs}/pic.svg`)).headers.get('content-security-policy')).toMatch(/^sandbox /)
    expect((await fetch(`${relay.url}/ipfs/${docs}/notes.txt`)).headers.get('content-security-policy')).toBeNull()
  })

  it('redirects a directory to its trailing slash, then serves its index.html', async () => {
    const redirect = await fetch(`${relay.url}/ipfs/${site}`, { redirect: 'manual' })
    expect(redirect.status).toBe(301)
    expect(redirect.headers.get('location')).toBe(`/ipfs/${site}/`)
    const home = await fetch(`${relay.url}/ipfs/${site}/`)
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await home.text()).toContain('welcome')
  })

  it('lists a directory without index.html as HTML with links, or as JSON when asked', async () => {
    const listing = await fetch(`${relay.url}/ipfs/${docs}/`)
    expect(listing.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await listing.text()
    expect(html).toContain(`href="/ipfs/${docs}/notes.txt"`)
    expect(html).toContain(`href="/ipfs/${docs}/sub/"`)
    expect(html).toContain('Index of /ipfs/')
    const json = await fetch(`${relay.url}/ipfs/${docs}`, { headers: { accept: 'application/json' } })
    expect(json.headers.get('content-type')).toMatch(/^application\/json/)
    expect((await json.json() as { entries: Array<{ name: string }> }).entries.map(e => e.name)).toEqual(['noext', 'notes.txt', 'page.html', 'pic.svg', 'sub'])
  })

  it('escapes names in the listing', async () => {
    const tricky = await addTree({ '<img src=x onerror=alert(1)>.txt': 'x' })
    const html = await (await fetch(`${relay.url}/ipfs/${tricky}/`)).text()
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;.txt')
  })
})
