/**
 * One million distinct nonces through one memoryReplayStore (Node only): the store never holds
 * more than maxEntries, its heap stops growing once it is full, and the latest nonces are still
 * refused at the end. Prints the numbers.
 */
import { describe, expect, it } from 'vitest'
import { memoryReplayStore } from '../../src/replay.ts'
import { runtime } from '../support/server.ts'

const TOTAL = 1_000_000
const MAX_ENTRIES = 100_000

/** `global.gc`, exposed on the fly when Node was not started with --expose-gc. */
async function exposeGc(): Promise<() => void> {
  const g = (globalThis as { gc?: () => void }).gc
  if (g) return g
  const v8 = await import('node:v8')
  const vm = await import('node:vm')
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc') as () => void
}

describe('memoryReplayStore with 1,000,000 nonces', () => {
  it.skipIf(runtime !== 'node')(
    'stays within maxEntries and stops growing in memory',
    async () => {
      const gc = await exposeGc()
      const heap = (): number => {
        gc()
        gc()
        return process.memoryUsage().heapUsed
      }
      const started = performance.now()
      const before = heap()
      const store = memoryReplayStore({ maxEntries: MAX_ENTRIES })
      const random = new Uint8Array(16 * 4096)
      const samples: { at: number; heap: number; size: number }[] = []
      let t = 1_700_000_000_000
      let maxSize = 0
      for (let i = 0; i < TOTAL; i++) {
        if (i % 4096 === 0) crypto.getRandomValues(random)
        // What checkReplay stores: key id, NUL, a 22-character base64url nonce.
        const o = (i % 4096) * 16
        const nonce = btoa(String.fromCharCode(...random.subarray(o, o + 16))).slice(0, 22)
        t += 1 // 1,000 requests per second, a 360 s window: 360,000 live nonces, more than fit
        if (!store.checkAndStore(`hardening-key\u0000${nonce}${i}`, t + 360_000, t)) throw new Error(`nonce ${i} reported as a replay`)
        if (store.size > maxSize) maxSize = store.size
        if ((i + 1) % (TOTAL / 4) === 0) samples.push({ at: i + 1, heap: heap() - before, size: store.size })
      }
      const ms = performance.now() - started
      const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`
      console.log(
        `[1M nonces] ${TOTAL.toLocaleString('en')} nonces in ${(ms / 1000).toFixed(1)} s (${Math.round(TOTAL / (ms / 1000)).toLocaleString('en')}/s); ` +
          `max size ${maxSize.toLocaleString('en')} (bound ${MAX_ENTRIES.toLocaleString('en')}); heap over baseline after each quarter: ${samples.map((s) => mb(s.heap)).join(', ')}; ` +
          `${Math.round(samples[3]!.heap / MAX_ENTRIES)} bytes per entry`,
      )
      expect(maxSize).toBe(MAX_ENTRIES)
      for (const s of samples) expect(s.size).toBe(MAX_ENTRIES)
      // Full from the first quarter on: the heap after the last quarter is the heap after the first, give or take.
      expect(samples[3]!.heap - samples[0]!.heap).toBeLessThan(8 * 1048576)
      // ~100,000 entries of ~40-character keys: well under 64 MB in all.
      expect(samples[3]!.heap).toBeLessThan(64 * 1048576)
      expect(ms).toBeLessThan(20_000)
    },
    60_000,
  )

  it.skipIf(runtime !== 'node')('still refuses the latest nonces after the churn', () => {
    const store = memoryReplayStore({ maxEntries: 1000 })
    let t = 0
    for (let i = 0; i < 200_000; i++) store.checkAndStore(`n${i}`, ++t + 10_000_000, t)
    for (let i = 199_000; i < 200_000; i++) expect(store.checkAndStore(`n${i}`, t + 10_000_000, t)).toBe(false)
    expect(store.size).toBe(1000)
  })
})
