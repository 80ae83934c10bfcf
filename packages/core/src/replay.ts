import { fail } from './errors.ts'

/**
 * Remembers nonces so a signed message is accepted once. Implementations may be async (Redis…).
 * `checkAndStore` must be atomic: record `key` until `expiresAtMs` and answer `true` if it was
 * new, `false` if it was already there (a replay). `nowMs` is the verifier's clock, so a store
 * can keep a key for `expiresAtMs - nowMs` (e.g. Redis `SET key 1 NX PX <ttl>`) on one clock.
 */
export interface ReplayStore {
  checkAndStore(key: string, expiresAtMs: number, nowMs: number): boolean | Promise<boolean>
}

export interface MemoryReplayStoreOptions {
  /** Most entries kept; past it the oldest is dropped. @default 100_000 */
  maxEntries?: number
}

/**
 * An in-process {@link ReplayStore}: bounded in size, entries expire at their `expiresAtMs`.
 * When full, the oldest entry is evicted, so size `maxEntries` to the number of requests you
 * accept within one freshness window. One process only: for several verifiers use a shared store.
 */
export function memoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore & { readonly size: number } {
  const maxEntries = options.maxEntries ?? 100_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1) fail('invalid_input', `memoryReplayStore maxEntries must be a positive integer, received ${String(maxEntries)}`)
  // Insertion order is kept by Map; expiries mostly arrive in order, so sweeping from the head is cheap.
  const entries = new Map<string, number>()

  const sweep = (t: number): void => {
    for (const [k, exp] of entries) {
      if (exp > t) break
      entries.delete(k)
    }
  }

  return {
    get size() {
      return entries.size
    },
    checkAndStore(key, expiresAtMs, nowMs) {
      const t = nowMs
      sweep(t)
      const existing = entries.get(key)
      if (existing !== undefined && existing > t) return false
      if (existing !== undefined) entries.delete(key)
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(key, expiresAtMs)
      return true
    },
  }
}
