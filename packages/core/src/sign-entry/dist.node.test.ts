/**
 * The BUILT package through its exports: `@signet/core/sign` resolves (import condition) and its
 * SignetError is the full entry's class, so `instanceof` holds across the two entries.
 */
import { describe, expect, it } from 'vitest'

describe('@signet/core/sign in the built package', () => {
  it('throws the SignetError of @signet/core', async () => {
    const lite = await import('@signet/core/sign')
    const full = await import('@signet/core')
    expect(lite.SignetError).toBe(full.SignetError)
    const err = await lite.signRequest({ method: 'GET', url: '/relative' }, { key: { id: 'k', secret: 's' } }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(full.SignetError)
    expect(full.isSignetError(err, 'invalid_input')).toBe(true)
  })
})
