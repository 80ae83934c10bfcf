import { fail } from './errors.ts'
import type { KeyLookup, SigningKey } from './keys.ts'

/** Options of {@link cachedKeyLookup}. */
export interface CachedKeyLookupOptions {
  /** How long a found key is reused before it is looked up again, in seconds. @default 60 */
  ttlSeconds?: number
  /**
   * Most key ids remembered (found and unknown together); past it the least recently used is
   * dropped. Key ids come from the request, so this bound is what keeps a flood of invented ids
   * from growing the cache. @default 1000
   */
  maxEntries?: number
  /**
   * How long an id the lookup did not find is remembered as unknown, in seconds, so a burst of
   * requests with a bad key id costs one lookup. `0` remembers nothing. @default 5
   */
  negativeTtlSeconds?: number
  /** The clock, in milliseconds (tests inject one). @default Date.now */
  now?: () => number
}

/** The {@link KeyLookup} returned by {@link cachedKeyLookup}, with two maintenance handles. */
export interface CachedKeyLookup extends KeyLookup {
  /**
   * Forgets `keyId` (or every id), e.g. right after revoking a key; a lookup already under way
   * for it is not cached when it completes.
   */
  invalidate(keyId?: string): void
  /** Key ids currently cached (found or unknown; expired entries may still count until touched). */
  readonly size: number
}

interface Entry {
  /** The key, or `undefined` for an id the lookup did not find. */
  key: SigningKey | undefined
  expiresAtMs: number
}

function seconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail('invalid_input', `cachedKeyLookup ${name} must be a non-negative number of seconds, received ${String(value)}`, { component: name })
  }
  return value
}

/**
 * Wraps a slow {@link KeyLookup} (database, secrets manager) with a bounded LRU cache:
 * - found keys are reused for `ttlSeconds`, ids the lookup did not find for `negativeTtlSeconds`;
 * - concurrent lookups of one id share one call (a burst of requests makes one lookup);
 * - a lookup that throws is not cached: every waiting caller gets its error, the next call retries.
 *
 * The result is a `KeyLookup` for `VerifyOptions.keys`. It answers cache hits synchronously and
 * returns the very `SigningKey` object the lookup gave, so the key is imported once.
 *
 * ```ts
 * const keys = cachedKeyLookup(async (id) => db.findKey(id), { ttlSeconds: 300 })
 * await verifyRequest(request, { keys, replayStore })
 * ```
 */
export function cachedKeyLookup(lookup: KeyLookup, options: CachedKeyLookupOptions = {}): CachedKeyLookup {
  if (typeof lookup !== 'function') fail('invalid_input', `cachedKeyLookup needs a lookup function (keyId) => key, received ${lookup === null ? 'null' : typeof lookup}`)
  if (options === null || typeof options !== 'object') fail('invalid_input', 'cachedKeyLookup options must be an object')
  const ttlMs = seconds(options.ttlSeconds, 60, 'ttlSeconds') * 1000
  const negativeTtlMs = seconds(options.negativeTtlSeconds, 5, 'negativeTtlSeconds') * 1000
  const maxEntries = options.maxEntries ?? 1000
  if (!Number.isInteger(maxEntries) || maxEntries < 1) fail('invalid_input', `cachedKeyLookup maxEntries must be a positive integer, received ${String(maxEntries)}`, { component: 'maxEntries' })
  const now = options.now ?? Date.now
  if (typeof now !== 'function') fail('invalid_input', `cachedKeyLookup now must be a function returning milliseconds, received ${typeof now}`, { component: 'now' })

  // Map keeps insertion order: a hit re-inserts its entry, so the first entry is the least recently used.
  const entries = new Map<string, Entry>()
  const inFlight = new Map<string, Promise<SigningKey | undefined>>()
  // Lookups under way when invalidate() ran: their (possibly revoked) result must not be stored.
  const stale = new WeakSet<Promise<SigningKey | undefined>>()

  const store = (keyId: string, key: SigningKey | undefined): void => {
    const ttl = key ? ttlMs : negativeTtlMs
    if (ttl <= 0) return
    entries.delete(keyId)
    entries.set(keyId, { key, expiresAtMs: now() + ttl })
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
  }

  const fetchKey = (keyId: string): Promise<SigningKey | undefined> => {
    let result: ReturnType<KeyLookup>
    try {
      result = lookup(keyId)
    } catch (err) {
      return Promise.reject(err)
    }
    const promise = Promise.resolve(result).then(
      (found) => {
        if (inFlight.get(keyId) === promise) inFlight.delete(keyId)
        const key = found ?? undefined
        if (!stale.has(promise)) store(keyId, key)
        return key
      },
      (err: unknown) => {
        if (inFlight.get(keyId) === promise) inFlight.delete(keyId)
        throw err
      },
    )
    inFlight.set(keyId, promise)
    return promise
  }

  const cached = ((keyId: string) => {
    const entry = entries.get(keyId)
    if (entry) {
      if (entry.expiresAtMs > now()) {
        entries.delete(keyId)
        entries.set(keyId, entry)
        return entry.key
      }
      entries.delete(keyId)
    }
    return inFlight.get(keyId) ?? fetchKey(keyId)
  }) as CachedKeyLookup

  cached.invalidate = (keyId?: string): void => {
    if (keyId === undefined) {
      for (const promise of inFlight.values()) stale.add(promise)
      entries.clear()
      inFlight.clear()
      return
    }
    const promise = inFlight.get(keyId)
    if (promise) stale.add(promise)
    entries.delete(keyId)
    inFlight.delete(keyId)
  }
  Object.defineProperty(cached, 'size', { get: () => entries.size, enumerable: true })
  return cached
}
