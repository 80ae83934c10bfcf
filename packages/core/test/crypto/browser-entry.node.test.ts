/**
 * The browser build must never reach node:crypto, statically or dynamically: follow every import
 * (static and `import(...)`) from default.browser.ts through src/crypto and check none is `node:*`.
 * Reads source files, so it runs in Node, Deno and Bun (not in the browser project).
 */
import { describe, expect, it } from 'vitest'
import { hasNodeCrypto } from './support.ts'

const SPECIFIER = /\bimport\s*(?:type\s+)?(?:[^'"();]*?\sfrom\s*)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/g

describe('browser entry', () => {
  if (!hasNodeCrypto) return
  it('default.browser.ts reaches no node:* module', async () => {
    const { readFile } = await import('node:fs/promises')
    const start = new URL('../../src/crypto/default.browser.ts', import.meta.url)
    const seen = new Set<string>()
    const external = new Set<string>()
    const queue = [start]
    while (queue.length) {
      const url = queue.pop()!
      if (seen.has(url.href)) continue
      seen.add(url.href)
      const source = await readFile(url, 'utf8')
      for (const m of source.matchAll(SPECIFIER)) {
        const spec = m[1] ?? m[2]!
        if (spec.startsWith('.')) queue.push(new URL(spec, url))
        else external.add(spec)
      }
    }
    const files = [...seen].map((h) => h.slice(h.lastIndexOf('/src/') + 5))
    expect(files).toContain('crypto/webcrypto.ts')
    expect(files).toContain('crypto/noble.ts')
    expect(files).not.toContain('crypto/node.ts')
    expect([...external].filter((s) => s.startsWith('node:') || s === 'crypto')).toEqual([])
    expect([...external].sort()).toEqual(['@noble/hashes/hmac.js', '@noble/hashes/sha2.js', '@noble/hashes/utils.js'])
  })
})
