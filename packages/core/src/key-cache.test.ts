import { describe, expect, it } from 'vitest'
import { isSignetError, SignetError } from './errors.ts'
import { cachedKeyLookup } from './key-cache.ts'
import type { SigningKey } from './keys.ts'
import { signRequest } from './sign.ts'
import { verifyRequest } from './verify.ts'

/** A lookup backed by a table, counting its calls per id; `delayMs` makes it slow like a database. */
function countingLookup(table: Record<string, SigningKey>, delayMs = 0) {
  const calls: string[] = []
  const lookup = async (keyId: string): Promise<SigningKey | undefined> => {
    calls.push(keyId)
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs))
    return Object.prototype.hasOwnProperty.call(table, keyId) ? table[keyId] : undefined
  }
  return { lookup, calls }
}

function manualClock(start = 1_700_000_000_000) {
  let t = start
  return { now: () => t, advance: (ms: number) => void (t += ms) }
}

const KEY_A: SigningKey = { id: 'a', secret: 'secret of key a, long enough' }
const KEY_B: SigningKey = { id: 'b', secret: 'secret of key b, long enough' }
const KEY_C: SigningKey = { id: 'c', secret: 'secret of key c, long enough' }

describe('cachedKeyLookup', () => {
  it('makes one underlying call for 1000 concurrent lookups of one id, and all get the same key object', async () => {
    const { lookup, calls } = countingLookup({ a: KEY_A }, 20)
    const keys = cachedKeyLookup(lookup)
    const results = await Promise.all(Array.from({ length: 1000 }, () => keys('a')))
    expect(calls).toHaveLength(1)
    expect(results).toHaveLength(1000)
    expect(results.every((k) => k === KEY_A)).toBe(true)
    // Afterwards it is a cache hit, answered without a promise.
    expect(keys('a')).toBe(KEY_A)
    expect(calls).toHaveLength(1)
  })

  it('de-duplicates per id: concurrent lookups of three ids make three calls', async () => {
    const { lookup, calls } = countingLookup({ a: KEY_A, b: KEY_B, c: KEY_C }, 10)
    const keys = cachedKeyLookup(lookup)
    const ids = Array.from({ length: 300 }, (_, i) => ['a', 'b', 'c'][i % 3]!)
    const results = await Promise.all(ids.map((id) => keys(id)))
    expect([...calls].sort()).toEqual(['a', 'b', 'c'])
    expect(results.every((k, i) => k!.id === ids[i])).toBe(true)
  })

  it('caches unknown ids negatively for negativeTtlSeconds (default 5 s), then asks again', async () => {
    const clock = manualClock()
    const { lookup, calls } = countingLookup({ a: KEY_A })
    const keys = cachedKeyLookup(lookup, { now: clock.now })
    expect(await keys('nope')).toBe(undefined)
    expect(await keys('nope')).toBe(undefined)
    expect(calls).toEqual(['nope'])
    clock.advance(4_999)
    expect(await keys('nope')).toBe(undefined)
    expect(calls).toHaveLength(1)
    clock.advance(1)
    expect(await keys('nope')).toBe(undefined)
    expect(calls).toEqual(['nope', 'nope'])
  })

  it('treats null like undefined (unknown), and negativeTtlSeconds: 0 disables negative caching', async () => {
    let calls = 0
    const keys = cachedKeyLookup(
      async () => {
        calls++
        return null
      },
      { negativeTtlSeconds: 0 },
    )
    expect(await keys('x')).toBe(undefined)
    expect(await keys('x')).toBe(undefined)
    expect(calls).toBe(2)
    expect(keys.size).toBe(0)
  })

  it('expires found keys after ttlSeconds (injected clock), so a rotated key is picked up', async () => {
    const clock = manualClock()
    const table: Record<string, SigningKey> = { a: KEY_A }
    const { lookup, calls } = countingLookup(table)
    const keys = cachedKeyLookup(lookup, { ttlSeconds: 60, now: clock.now })
    expect(await keys('a')).toBe(KEY_A)
    const rotated: SigningKey = { id: 'a', secret: 'the rotated secret of key a' }
    table.a = rotated
    clock.advance(59_999)
    expect(await keys('a')).toBe(KEY_A)
    expect(calls).toHaveLength(1)
    clock.advance(1)
    expect(await keys('a')).toBe(rotated)
    expect(calls).toHaveLength(2)
  })

  it('keeps at most maxEntries ids, dropping the least recently used', async () => {
    const { lookup, calls } = countingLookup({ a: KEY_A, b: KEY_B, c: KEY_C })
    const keys = cachedKeyLookup(lookup, { maxEntries: 2 })
    await keys('a')
    await keys('b')
    expect(keys('a')).toBe(KEY_A) // a is now more recent than b
    await keys('c') // evicts b
    expect(keys.size).toBe(2)
    expect(calls).toEqual(['a', 'b', 'c'])
    expect(keys('a')).toBe(KEY_A)
    expect(keys('c')).toBe(KEY_C)
    expect(await keys('b')).toBe(KEY_B)
    expect(calls).toEqual(['a', 'b', 'c', 'b'])
    expect(keys.size).toBe(2)
  })

  it('bounds a flood of invented ids (negative entries count against maxEntries)', async () => {
    const { lookup } = countingLookup({ a: KEY_A })
    const keys = cachedKeyLookup(lookup, { maxEntries: 100 })
    await Promise.all(Array.from({ length: 5000 }, (_, i) => keys(`invented-${i}`)))
    expect(keys.size).toBe(100)
  })

  it('does not cache errors: every concurrent caller gets the error, the next call retries', async () => {
    let calls = 0
    let failing = true
    const keys = cachedKeyLookup(async (id) => {
      calls++
      await new Promise((r) => setTimeout(r, 5))
      if (failing) throw new Error('database unavailable')
      return id === 'a' ? KEY_A : undefined
    })
    const settled = await Promise.allSettled(Array.from({ length: 50 }, () => keys('a')))
    expect(calls).toBe(1)
    expect(settled.every((s) => s.status === 'rejected' && (s.reason as Error).message === 'database unavailable')).toBe(true)
    await expect(keys('a')).rejects.toThrow('database unavailable')
    expect(calls).toBe(2)
    failing = false
    expect(await keys('a')).toBe(KEY_A)
    expect(calls).toBe(3)
    expect(keys('a')).toBe(KEY_A)
  })

  it('does not cache a lookup that throws synchronously', async () => {
    let calls = 0
    const keys = cachedKeyLookup((id) => {
      calls++
      if (calls === 1) throw new Error('sync failure')
      return id === 'a' ? KEY_A : undefined
    })
    await expect(keys('a')).rejects.toThrow('sync failure')
    expect(await keys('a')).toBe(KEY_A)
    expect(calls).toBe(2)
  })

  it('invalidate(id) forgets an id, and a lookup under way at that moment is not stored', async () => {
    const { lookup, calls } = countingLookup({ a: KEY_A, b: KEY_B }, 10)
    const keys = cachedKeyLookup(lookup)
    await keys('a')
    keys.invalidate('a')
    expect(keys.size).toBe(0)
    const pending = keys('a')
    keys.invalidate('a')
    expect(await pending).toBe(KEY_A)
    expect(keys.size).toBe(0)
    await keys('b')
    keys.invalidate()
    expect(keys.size).toBe(0)
    expect(await keys('b')).toBe(KEY_B)
    expect(calls).toEqual(['a', 'a', 'b', 'b'])
  })

  it('rejects unusable options with invalid_input', () => {
    const lookup = async () => undefined
    for (const options of [{ ttlSeconds: -1 }, { ttlSeconds: Number.NaN }, { negativeTtlSeconds: -5 }, { maxEntries: 0 }, { maxEntries: 1.5 }]) {
      let caught: unknown
      try {
        cachedKeyLookup(lookup, options)
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(SignetError)
      expect(isSignetError(caught, 'invalid_input')).toBe(true)
    }
    expect(() => cachedKeyLookup('not a function' as never)).toThrow('lookup function')
  })

  it('works as VerifyOptions.keys: a burst of signed requests makes one lookup; an unknown id is unknown_key', async () => {
    const { lookup, calls } = countingLookup({ a: KEY_A }, 10)
    const keys = cachedKeyLookup(lookup)
    const signed = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const request = { method: 'GET', url: `https://api.example.test/items/${i}` }
        const { headers } = await signRequest(request, { key: KEY_A })
        return { ...request, headers }
      }),
    )
    const verified = await Promise.all(signed.map((r) => verifyRequest(r, { keys })))
    expect(verified.every((v) => v.keyId === 'a')).toBe(true)
    expect(calls).toEqual(['a'])

    const stranger = { method: 'GET', url: 'https://api.example.test/items/x' }
    const { headers } = await signRequest(stranger, { key: { id: 'stranger', secret: 'unknown to the verifier' } })
    await expect(verifyRequest({ ...stranger, headers }, { keys })).rejects.toMatchObject({ code: 'unknown_key' })
    await expect(verifyRequest({ ...stranger, headers }, { keys })).rejects.toMatchObject({ code: 'unknown_key' })
    expect(calls).toEqual(['a', 'stranger'])
  })
})
