import { describe, expect, it } from 'vitest'
import * as api from '../src/index.ts'
import { isBrowser } from './support/backends.ts'
import { TYPE_EXPORTS, VALUE_EXPORTS } from './api-surface.snapshot.ts'

// The public surface of @signet/core, snapshotted: a change here must be deliberate. If this test
// fails after an intended change, update test/api-surface.snapshot.ts and note it in CHANGELOG.md.
describe('public API surface of @signet/core', () => {
  it('exports exactly the snapshotted values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUE_EXPORTS].sort())
  })

  it('exports exactly the snapshotted types', async () => {
    if (isBrowser) return
    const { readFile } = await import('node:fs/promises')
    const source = await readFile(new URL('../src/index.ts', import.meta.url), 'utf8')
    const types: string[] = []
    for (const m of source.matchAll(/export type \{([^}]*)\}/g)) {
      for (const name of m[1]!.split(',')) {
        const trimmed = name.trim()
        if (trimmed) types.push(trimmed.split(/\s+as\s+/).pop()!)
      }
    }
    expect(types.sort()).toEqual([...TYPE_EXPORTS].sort())
  })
})
