/**
 * The Redis replay store against a real redis-server (started on a free loopback port by
 * `startRedis`), through each client it accepts: node-redis, ioredis, and @upstash/redis. Upstash
 * is a hosted HTTP service, so its client talks to a loopback stand-in that speaks Upstash's REST
 * protocol and forwards every command to the same redis-server (see support/upstash-standin.ts).
 * No mocks: every answer comes from Redis.
 */
import { isSignetError, signRequest, SignetError, verifyRequest, type MessageRequest, type ReplayStore } from '@signet/core'
import { Redis as UpstashRedis } from '@upstash/redis'
import { Redis as IORedis } from 'ioredis'
import { createHash } from 'node:crypto'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ioredisAdapter, nodeRedisAdapter, redisReplayStore, upstashAdapter, type RedisClientLike } from '../src/index.ts'
import { startRedis, type RedisServer } from './support/redis-server.ts'
import { startUpstashStandIn, type UpstashStandIn } from './support/upstash-standin.ts'

const KEY = { id: 'store-test-key', secret: 'store test shared secret, 32 B!!' }

let redis: RedisServer
let nodeRedis: ReturnType<typeof createClient>
let ioredis: IORedis
let standIn: UpstashStandIn
let upstash: UpstashRedis

/** Expected Redis key, computed with node:crypto (not the code under test). */
function expectedKey(prefix: string, keyId: string, nonce: string): string {
  return prefix + createHash('sha256').update(`${keyId}\u0000${nonce}`, 'utf8').digest('hex')
}

let prefixCounter = 0
const freshPrefix = (): string => `signet:test:${Date.now().toString(36)}:${++prefixCounter}:`

async function signed(path: string): Promise<MessageRequest> {
  const request = { method: 'POST', url: `https://api.example.test${path}`, headers: { 'content-type': 'application/json' }, body: '{"n":1}' }
  const { headers } = await signRequest(request, { key: KEY })
  return { ...request, headers: { ...request.headers, ...headers } }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'accepted'
  } catch (err) {
    if (isSignetError(err)) return err.code
    throw err
  }
}

// Hooks sit in a describe: the Deno shim runs only describe-level beforeAll/afterAll.
describe('Redis replay store against redis-server', () => {
  beforeAll(async () => {
    redis = await startRedis()
    nodeRedis = createClient({ url: redis.url })
    nodeRedis.on('error', () => {})
    await nodeRedis.connect()
    ioredis = new IORedis({ host: '127.0.0.1', port: redis.port, lazyConnect: true })
    ioredis.on('error', () => {})
    await ioredis.connect()
    standIn = await startUpstashStandIn(redis.url)
    upstash = new UpstashRedis({ url: standIn.url, token: standIn.token, enableTelemetry: false })
  })

  afterAll(async () => {
    await standIn?.close()
    ioredis?.disconnect()
    nodeRedis?.destroy()
    await redis?.stop()
  })

  const clients: [name: string, client: () => RedisClientLike, explicit: () => RedisClientLike][] = [
    ['node-redis', () => nodeRedis, () => nodeRedisAdapter(nodeRedis)],
    ['ioredis', () => ioredis, () => ioredisAdapter(ioredis)],
    ['@upstash/redis (REST stand-in)', () => upstash, () => upstashAdapter(upstash)],
  ]

  for (const [name, client, explicit] of clients) {
    describe(`redisReplayStore with ${name}`, () => {
      it('answers true the first time and false for the same key (auto-detected and explicit adapter)', async () => {
        for (const store of [redisReplayStore(client(), { prefix: freshPrefix() }), redisReplayStore(explicit(), { prefix: freshPrefix() })]) {
          const now = Date.now()
          expect(await store.checkAndStore('k1\u0000nonce-1', now + 60_000, now)).toBe(true)
          expect(await store.checkAndStore('k1\u0000nonce-1', now + 60_000, now)).toBe(false)
          expect(await store.checkAndStore('k2\u0000nonce-1', now + 60_000, now)).toBe(true)
          expect(await store.checkAndStore('k1\u0000nonce-2', now + 60_000, now)).toBe(true)
        }
      })

      it('stores <prefix><sha256 hex> (never the raw nonce) with a TTL of expiresAtMs - nowMs', async () => {
        const prefix = freshPrefix()
        const store = redisReplayStore(client(), { prefix })
        const now = Date.now()
        const nonce = 'raw-nonce-{"evil":"*"}\r\nFLUSHALL'
        expect(await store.checkAndStore(`kid\u0000${nonce}`, now + 360_000, now)).toBe(true)
        const keys = await nodeRedis.keys(`${prefix}*`)
        expect(keys).toEqual([expectedKey(prefix, 'kid', nonce)])
        expect(keys[0]!).toMatch(/^signet:test:[^:]+:\d+:[0-9a-f]{64}$/)
        const pttl = await nodeRedis.pTTL(keys[0]!)
        expect(pttl).toBeGreaterThan(359_000)
        expect(pttl <= 360_000).toBe(true)
      })

      it('uses the default prefix signet:nonce:', async () => {
        const store = redisReplayStore(client())
        const now = Date.now()
        const nonce = `default-prefix-${Math.random()}`
        expect(await store.checkAndStore(`kid\u0000${nonce}`, now + 5_000, now)).toBe(true)
        expect(await nodeRedis.exists(expectedKey('signet:nonce:', 'kid', nonce))).toBe(1)
      })

      it('keeps a key at least 1 ms when the window has already ended, and forgets it after', async () => {
        const store = redisReplayStore(client(), { prefix: freshPrefix() })
        const now = Date.now()
        expect(await store.checkAndStore('kid\u0000late', now - 5_000, now)).toBe(true)
        await new Promise((r) => setTimeout(r, 30))
        expect(await store.checkAndStore('kid\u0000late', now + 60_000, Date.now())).toBe(true)
      })

      it('is atomic: 200 concurrent uses of one nonce give exactly one true', async () => {
        const store = redisReplayStore(client(), { prefix: freshPrefix() })
        const now = Date.now()
        const answers = await Promise.all(Array.from({ length: 200 }, () => store.checkAndStore('kid\u0000contended', now + 60_000, now)))
        expect(answers.filter((a) => a)).toHaveLength(1)
      })

      it('makes verifyRequest reject a replayed request as replayed', async () => {
        const replayStore = redisReplayStore(client(), { prefix: freshPrefix() })
        const request = await signed('/orders')
        expect(await codeOf(verifyRequest(request, { keys: [KEY], replayStore }))).toBe('accepted')
        expect(await codeOf(verifyRequest(request, { keys: [KEY], replayStore }))).toBe('replayed')
        expect(await codeOf(verifyRequest(await signed('/orders'), { keys: [KEY], replayStore }))).toBe('accepted')
      })
    })
  }

  describe('redisReplayStore across clients', () => {
    it('three clients on one Redis race for the same 300 nonces: exactly one wins each', async () => {
      const prefix = freshPrefix()
      const stores: ReplayStore[] = [redisReplayStore(nodeRedis, { prefix }), redisReplayStore(ioredis, { prefix }), redisReplayStore(upstash, { prefix })]
      const now = Date.now()
      const nonces = Array.from({ length: 300 }, (_, i) => `kid\u0000shared-${i}`)
      const results = await Promise.all(nonces.map((n) => Promise.all(stores.map((s) => s.checkAndStore(n, now + 60_000, now)))))
      expect(results.every((answers) => answers.filter((a) => a).length === 1)).toBe(true)
    })
  })

  describe('redisReplayStore options', () => {
    it('rejects unusable options and unrecognized clients with invalid_input', () => {
      const bad: [unknown, unknown][] = [
        [nodeRedis, { timeoutMs: 0 }],
        [nodeRedis, { timeoutMs: Number.NaN }],
        [nodeRedis, { prefix: 42 }],
        [nodeRedis, { onError: 'log' }],
        [{ get: () => null }, {}],
        [null, {}],
      ]
      for (const [c, options] of bad) {
        let caught: unknown
        try {
          redisReplayStore(c as RedisClientLike, options as never)
        } catch (err) {
          caught = err
        }
        expect(caught).toBeInstanceOf(SignetError)
        expect(isSignetError(caught, 'invalid_input')).toBe(true)
      }
    })
  })
})
