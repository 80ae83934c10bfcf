import { SignetError, type ReplayStore } from '@signet/core'
import { toAdapter, type RedisClientLike } from './adapters.ts'

/** Options of {@link redisReplayStore}. */
export interface RedisReplayStoreOptions {
  /** Prepended to every Redis key; give each application or environment its own. @default 'signet:nonce:' */
  prefix?: string
  /**
   * Longest wait for Redis, in milliseconds. Past it the command counts as failed (so, by
   * default, the request is refused with `replay_store_unavailable`). @default 1000
   */
  timeoutMs?: number
  /**
   * When Redis fails or times out, accept the request anyway instead of refusing it. This gives
   * up replay protection while Redis is down: turn it on only if availability matters more.
   * @default false (fail closed)
   */
  failOpen?: boolean
  /**
   * Told about every Redis failure (both with and without `failOpen`), e.g. to log or count it.
   * What it throws is ignored. @default none
   */
  onError?: (error: unknown) => void
}

const encoder = new TextEncoder()

/** SHA-256 of the UTF-8 text, lower-case hex, with WebCrypto (Node ≥ 20, Deno, Bun, browsers, edge). */
async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(text)))
  let hex = ''
  for (const b of digest) hex += b.toString(16).padStart(2, '0')
  return hex
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis replay store: no answer from Redis within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * A `ReplayStore` (from @signet/core) in Redis, shared by every verifier that uses the same Redis: a nonce
 * accepted by one machine is a replay on all the others.
 *
 * Each nonce costs one atomic `SET <prefix><sha256(keyId, nonce)> 1 NX PX <ttl>`: no
 * read-then-write race, and the key lives exactly as long as the verifier's freshness window
 * (`expiresAtMs - nowMs`, at least 1 ms), after which an old signature is `expired` anyway, so
 * Redis never holds more than the nonces a replay could still use. The nonce is hashed: a value
 * chosen by the caller never becomes a Redis key.
 *
 * `client` is yours, connected: a `redis` (node-redis ≥ 4) client, an `ioredis` client, an
 * `@upstash/redis` client (HTTP, works in edge runtimes), one of them wrapped in
 * `nodeRedisAdapter`/`ioredisAdapter`/`upstashAdapter`, or any `{ setIfAbsent(key, ttlMs) }`.
 *
 * When Redis errors or does not answer within `timeoutMs`, the store throws and verification
 * fails closed with `replay_store_unavailable`, unless `failOpen` is set.
 */
export function redisReplayStore(client: RedisClientLike, options: RedisReplayStoreOptions = {}): ReplayStore {
  if (options === null || typeof options !== 'object') throw new SignetError('invalid_input', 'redisReplayStore options must be an object')
  const adapter = toAdapter(client)
  const prefix = options.prefix ?? 'signet:nonce:'
  if (typeof prefix !== 'string') throw new SignetError('invalid_input', `redisReplayStore prefix must be a string, received ${typeof prefix}`, { component: 'prefix' })
  const timeoutMs = options.timeoutMs ?? 1000
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new SignetError('invalid_input', `redisReplayStore timeoutMs must be a positive number of milliseconds, received ${String(timeoutMs)}`, { component: 'timeoutMs' })
  }
  const failOpen = options.failOpen === true
  const onError = options.onError
  if (onError !== undefined && typeof onError !== 'function') throw new SignetError('invalid_input', 'redisReplayStore onError must be a function', { component: 'onError' })
  if (typeof globalThis.crypto?.subtle?.digest !== 'function') {
    throw new SignetError('crypto_unavailable', 'redisReplayStore hashes nonces with WebCrypto (crypto.subtle.digest), which this runtime does not provide')
  }

  return {
    async checkAndStore(key, expiresAtMs, nowMs) {
      const ttlMs = Math.max(1, Math.ceil(expiresAtMs - nowMs))
      if (!Number.isFinite(ttlMs)) throw new Error(`redis replay store: unusable expiry ${String(expiresAtMs)} (now ${String(nowMs)})`)
      try {
        const redisKey = prefix + (await sha256Hex(key))
        return await withTimeout(Promise.resolve().then(() => adapter.setIfAbsent(redisKey, ttlMs)), timeoutMs)
      } catch (err) {
        try {
          onError?.(err)
        } catch {
          // The hook must not change the outcome.
        }
        if (failOpen) return true
        throw err
      }
    },
  }
}
