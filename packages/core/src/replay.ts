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
  /** Most entries kept; past it the entry closest to its expiry is dropped. @default 100_000 */
  maxEntries?: number
}

/**
 * An in-process {@link ReplayStore}: bounded in size, entries expire at their `expiresAtMs`.
 * Expired entries are dropped first, whatever order they arrived in; when the store is still
 * full, the entry closest to its expiry (the oldest, among equals) is evicted, so size
 * `maxEntries` to the number of requests you accept within one freshness window. One process
 * only: for several verifiers use a shared store.
 */
export function memoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore & { readonly size: number } {
  if (options === null || typeof options !== 'object') fail('invalid_input', 'memoryReplayStore options must be an object { maxEntries }')
  const maxEntries = options.maxEntries ?? 100_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1) fail('invalid_input', `memoryReplayStore maxEntries must be a positive integer, received ${String(maxEntries)}`)
  // The keys kept, and the same keys ordered by (expiry, arrival) so that expired entries are
  // found without a scan. Expiries mostly arrive in order (one window after each `created`), so
  // keys whose expiry is not before the last queued one go to a FIFO queue (O(1) both ends); the
  // rest (signers' clocks differ, schemes have different windows) go to a binary min-heap. The
  // first entry overall is the earlier of the two heads. Each key in `entries` is in exactly one.
  const entries = new Set<string>()
  const queueKeys: string[] = []
  const queueExp: number[] = []
  const queueSeq: number[] = []
  let head = 0
  const heapKeys: string[] = []
  const heapExp: number[] = []
  const heapSeq: number[] = []
  let seq = 0

  const before = (i: number, j: number): boolean => heapExp[i]! < heapExp[j]! || (heapExp[i] === heapExp[j] && heapSeq[i]! < heapSeq[j]!)
  const swap = (i: number, j: number): void => {
    const k = heapKeys[i]!
    heapKeys[i] = heapKeys[j]!
    heapKeys[j] = k
    const e = heapExp[i]!
    heapExp[i] = heapExp[j]!
    heapExp[j] = e
    const q = heapSeq[i]!
    heapSeq[i] = heapSeq[j]!
    heapSeq[j] = q
  }
  const heapPush = (key: string, exp: number, at: number): void => {
    let i = heapKeys.length
    heapKeys.push(key)
    heapExp.push(exp)
    heapSeq.push(at)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(i, parent)) break
      swap(i, parent)
      i = parent
    }
  }
  const heapPop = (): string => {
    const key = heapKeys[0]!
    const last = heapKeys.length - 1
    swap(0, last)
    heapKeys.pop()
    heapExp.pop()
    heapSeq.pop()
    for (let i = 0; ; ) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < last && before(l, m)) m = l
      if (r < last && before(r, m)) m = r
      if (m === i) break
      swap(i, m)
      i = m
    }
    return key
  }
  const queuePop = (): string => {
    const key = queueKeys[head]!
    head++
    // Dropping the consumed front now and then keeps the arrays as long as the queue, at O(1) amortized.
    if (head >= 1024 && head * 2 >= queueKeys.length) {
      queueKeys.splice(0, head)
      queueExp.splice(0, head)
      queueSeq.splice(0, head)
      head = 0
    }
    return key
  }
  /** Whether the queue's head comes before the heap's top in (expiry, arrival) order. */
  const queueFirst = (): boolean => {
    if (head === queueKeys.length) return false
    if (heapKeys.length === 0) return true
    const qe = queueExp[head]!
    const he = heapExp[0]!
    return qe < he || (qe === he && queueSeq[head]! < heapSeq[0]!)
  }
  /** The expiry of the first entry overall; the store must not be empty. */
  const firstExp = (): number => (queueFirst() ? queueExp[head]! : heapExp[0]!)
  /** Removes the first entry overall from its structure and from the set. */
  const pop = (): void => {
    entries.delete(queueFirst() ? queuePop() : heapPop())
  }
  const push = (key: string, exp: number): void => {
    const at = seq++
    if (head === queueKeys.length || exp >= queueExp[queueExp.length - 1]!) {
      queueKeys.push(key)
      queueExp.push(exp)
      queueSeq.push(at)
    } else heapPush(key, exp, at)
  }

  return {
    get size() {
      return entries.size
    },
    checkAndStore(key, expiresAtMs, nowMs) {
      // Every entry that has expired goes, in expiry order.
      while (entries.size > 0 && !(firstExp() > nowMs)) pop()
      // One hash lookup: the key is new exactly when adding it grows the set.
      const size = entries.size
      entries.add(key)
      if (entries.size === size) return false
      // Full: the entry closest to its expiry goes (the new key is not queued yet).
      if (size >= maxEntries) pop()
      // A NaN expiry would break the order; it means "already expired", as it did before.
      const exp = Number.isNaN(expiresAtMs) ? -Infinity : expiresAtMs
      push(key, exp)
      return true
    },
  }
}
