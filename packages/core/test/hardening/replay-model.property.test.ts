/**
 * memoryReplayStore against a plain model of its contract: expired entries (expiry ≤ now) go first;
 * a key still held is refused; when full, the entry soonest to expire goes (the oldest among
 * equals). The sequences mix long runs of in-order expiries (one window), out-of-order ones, NaN,
 * ties, and stores that fill and empty.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { memoryReplayStore } from '../../src/replay.ts'
import { runs } from './support.ts'

interface Op {
  key: number
  /** Expiry relative to now; NaN means "already expired". */
  ttl: number
  /** How far the clock moves before this call. */
  step: number
}

/** The contract, by brute force. */
function model(maxEntries: number) {
  const held = new Map<string, { exp: number; seq: number }>()
  let seq = 0
  return {
    get size() {
      return held.size
    },
    checkAndStore(key: string, expiresAtMs: number, nowMs: number): boolean {
      for (const [k, v] of held) if (!(v.exp > nowMs)) held.delete(k)
      if (held.has(key)) return false
      if (held.size >= maxEntries) {
        let first: string | undefined
        let best: { exp: number; seq: number } | undefined
        for (const [k, v] of held) {
          if (best === undefined || v.exp < best.exp || (v.exp === best.exp && v.seq < best.seq)) {
            first = k
            best = v
          }
        }
        held.delete(first!)
      }
      held.set(key, { exp: Number.isNaN(expiresAtMs) ? -Infinity : expiresAtMs, seq: seq++ })
      return true
    },
  }
}

const op: fc.Arbitrary<Op> = fc.record({
  key: fc.integer({ min: 0, max: 60 }),
  ttl: fc.oneof(
    { weight: 6, arbitrary: fc.constant(1000) }, // the common case: one window, so expiries in order
    { weight: 2, arbitrary: fc.integer({ min: -5, max: 3000 }) },
    { weight: 1, arbitrary: fc.constant(Number.NaN) },
  ),
  step: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3000 }) }),
})

/** Runs `ops` on a store and on the model, and fails at the first call whose answer or size differs. */
function matchModel(maxEntries: number, ops: readonly Op[]): void {
  const store = memoryReplayStore({ maxEntries })
  const ref = model(maxEntries)
  let now = 1_000_000
  for (const [i, o] of ops.entries()) {
    now += o.step
    const key = `k${o.key}`
    const exp = now + o.ttl
    const got = store.checkAndStore(key, exp, now)
    const want = ref.checkAndStore(key, exp, now)
    // Compared as objects only when they differ (the long runs make many calls); the call's index says which call differs.
    if (got !== want || store.size !== ref.size) expect({ call: i, accepted: got, size: store.size }).toEqual({ call: i, accepted: want, size: ref.size })
  }
}

describe('memoryReplayStore matches its contract', () => {
  it('answers and sizes like the model on random sequences', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(op, { maxLength: 400 }), matchModel),
      { numRuns: runs(200) },
    )
  })

  it('matches the model over runs long enough to compact its queue', () => {
    // Over 1024 in-order evictions: the queue drops its consumed front while the heap holds the rest.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(op, { minLength: 2500, maxLength: 4000 }), matchModel),
      { numRuns: runs(20) },
    )
  })

  it('evicts the older of two entries that expire together, one queued and one in the heap', () => {
    // A and B arrive in expiry order (queued); C expires with A but after B, so it goes to the heap.
    // When D fills the store, A (expiry 100, first to arrive) goes, not C (expiry 100, third).
    const store = memoryReplayStore({ maxEntries: 3 })
    expect([store.checkAndStore('A', 100, 0), store.checkAndStore('B', 200, 0), store.checkAndStore('C', 100, 0), store.checkAndStore('D', 300, 0)]).toEqual([true, true, true, true])
    expect(store.checkAndStore('C', 100, 0)).toBe(false)
    expect(store.checkAndStore('A', 100, 0)).toBe(true)
  })

  it('stays bounded over a long ordered run and still refuses the newest keys', () => {
    const store = memoryReplayStore({ maxEntries: 5000 })
    let now = 0
    for (let i = 0; i < 50_000; i++) expect(store.checkAndStore(`n${i}`, now + 100_000, now++)).toBe(true)
    expect(store.size).toBe(5000)
    for (let i = 45_000; i < 50_000; i++) expect(store.checkAndStore(`n${i}`, now + 100_000, now)).toBe(false)
    expect(store.checkAndStore('n44999', now + 100_000, now)).toBe(true)
  })
})
