import { describe, expect, it } from 'vitest'
import { isBrowser } from '../../test/support/backends.ts'
import * as full from '../index.ts'
import * as api from './index.ts'
import { TYPE_EXPORTS, VALUE_EXPORTS } from './api-surface.snapshot.ts'

// The public surface of @signet/core/sign, snapshotted like the full entry's
// (test/api-surface.test.ts): a change here must be deliberate, and noted in CHANGELOG.md.
describe('public API surface of @signet/core/sign', () => {
  it('exports exactly the snapshotted values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUE_EXPORTS].sort())
  })

  it('shares SignetError with the full entry (instanceof holds across entries)', () => {
    expect(api.SignetError).toBe(full.SignetError)
  })

  it('exports exactly the snapshotted types', async () => {
    if (isBrowser) return
    const { readFile } = await import('node:fs/promises')
    const source = await readFile(new URL('./index.ts', import.meta.url), 'utf8')
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
