/**
 * What verification does when Redis fails, against a real redis-server that these tests stop,
 * restart on the same port, and pause (`CLIENT PAUSE`): fail closed with
 * `replay_store_unavailable` by default, within `timeoutMs`; accept again once Redis is back;
 * fail open only when asked to.
 */
import { isSignetError, signRequest, verifyRequest, type MessageRequest, type ReplayStore } from '@signet/core'
import { Redis as UpstashRedis } from '@upstash/redis'
import { Redis as IORedis } from 'ioredis'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redisReplayStore, type RedisClientLike } from '../src/index.ts'
import { startRedis, type RedisServer } from './support/redis-server.ts'
import { startUpstashStandIn, type UpstashStandIn } from './support/upstash-standin.ts'

const KEY = { id: 'failure-test-key', secret: 'failure test shared secret, 32 B' }
const TIMEOUT_MS = 300

let redis: RedisServer
let admin: ReturnType<typeof createClient>
let nodeRedis: ReturnType<typeof createClient>
let ioredis: IORedis
let standIn: UpstashStandIn
let upstash: UpstashRedis

let counter = 0
async function signed(): Promise<MessageRequest> {
  const request = { method: 'GET', url: `https://api.example.test/failures/${++counter}` }
  const { headers } = await signRequest(request, { key: KEY })
  return { ...request, headers }
}

async function outcome(replayStore: ReplayStore): Promise<{ code: string; ms: number; cause?: unknown }> {
  const started = performance.now()
  try {
    await verifyRequest(await signed(), { keys: [KEY], replayStore })
    return { code: 'accepted', ms: performance.now() - started }
  } catch (err) {
    if (!isSignetError(err)) throw err
    return { code: err.code, ms: performance.now() - started, cause: err.cause }
  }
}

/** Sends fresh requests until one is accepted (Redis back and the client reconnected), at most `withinMs`. */
async function acceptedAgain(replayStore: ReplayStore, withinMs = 15_000): Promise<number> {
  const started = performance.now()
  for (;;) {
    const { code } = await outcome(replayStore)
    if (code === 'accepted') return performance.now() - started
    expect(code).toBe('replay_store_unavailable')
    if (performance.now() - started > withinMs) throw new Error(`still refused ${withinMs} ms after Redis came back`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

// Hooks sit in a describe: the Deno shim runs only describe-level beforeAll/afterAll.
describe('Redis replay store when Redis fails', () => {
  beforeAll(async () => {
    redis = await startRedis()
    admin = createClient({ url: redis.url })
    admin.on('error', () => {})
    await admin.connect()
    // Default settings: while disconnected, commands wait in the offline queue; the store's timeout bounds the wait.
    nodeRedis = createClient({ url: redis.url })
    nodeRedis.on('error', () => {})
    await nodeRedis.connect()
    // Recommended settings: fail at once while disconnected.
    ioredis = new IORedis({ host: '127.0.0.1', port: redis.port, lazyConnect: true, enableOfflineQueue: false })
    ioredis.on('error', () => {})
    await ioredis.connect()
    standIn = await startUpstashStandIn(redis.url)
    upstash = new UpstashRedis({ url: standIn.url, token: standIn.token, enableTelemetry: false, retry: false })
  })

  afterAll(async () => {
    await standIn?.close()
    ioredis?.disconnect()
    nodeRedis?.destroy()
    admin?.destroy()
    await redis?.stop()
  })

  const clients: [string, () => RedisClientLike][] = [
    ['node-redis (offline queue on)', () => nodeRedis],
    ['ioredis (offline queue off)', () => ioredis],
    ['@upstash/redis (REST stand-in)', () => upstash],
  ]

  describe('Redis down', () => {
    it(
      'fails closed with replay_store_unavailable while Redis is stopped, within timeoutMs, and accepts again after a restart on the same port',
      async () => {
        const stores = clients.map(([name, client]) => ({ name, store: redisReplayStore(client(), { timeoutMs: TIMEOUT_MS }) }))
        for (const { store } of stores) expect((await outcome(store)).code).toBe('accepted')

        await redis.stop()
        for (const { name, store } of stores) {
          const result = await outcome(store)
          expect(`${name}: ${result.code}`).toBe(`${name}: replay_store_unavailable`)
          expect(result.cause).toBeInstanceOf(Error)
          // Bounded: the timeout, plus scheduling slack.
          expect(result.ms < TIMEOUT_MS + 1500).toBe(true)
        }

        await redis.start()
        for (const { store } of stores) expect(await acceptedAgain(store)).toBeGreaterThan(-1)
      },
      60_000,
    )

    it(
      'with failOpen: true accepts while Redis is stopped and reports each failure to onError',
      async () => {
        const errors: unknown[] = []
        const store = redisReplayStore(ioredis, {
          timeoutMs: TIMEOUT_MS,
          failOpen: true,
          onError: (err) => {
            errors.push(err)
            throw new Error('a throwing hook changes nothing')
          },
        })
        await redis.stop()
        try {
          expect((await outcome(store)).code).toBe('accepted')
          expect((await outcome(store)).code).toBe('accepted')
          expect(errors).toHaveLength(2)
          expect(errors[0]).toBeInstanceOf(Error)
        } finally {
          await redis.start()
        }
        expect(await acceptedAgain(redisReplayStore(ioredis, { timeoutMs: TIMEOUT_MS }))).toBeGreaterThan(-1)
      },
      60_000,
    )
  })

  describe('Redis slow', () => {
    it(
      'times out a command Redis does not answer (CLIENT PAUSE … WRITE): fail closed after timeoutMs, onError told',
      async () => {
        const errors: unknown[] = []
        const store = redisReplayStore(nodeRedis, { timeoutMs: TIMEOUT_MS, onError: (err) => errors.push(err) })
        expect((await outcome(store)).code).toBe('accepted')
        await admin.sendCommand(['CLIENT', 'PAUSE', '5000', 'WRITE'])
        try {
          const result = await outcome(store)
          expect(result.code).toBe('replay_store_unavailable')
          expect(result.ms > TIMEOUT_MS - 50).toBe(true)
          expect(result.ms < 2500).toBe(true)
          expect(errors).toHaveLength(1)
          expect(String((errors[0] as Error).message)).toMatch(`within ${TIMEOUT_MS} ms`)
        } finally {
          await admin.sendCommand(['CLIENT', 'UNPAUSE'])
        }
        expect((await outcome(store)).code).toBe('accepted')
      },
      30_000,
    )

    it(
      'with failOpen: true a paused Redis does not block verification beyond timeoutMs',
      async () => {
        const store = redisReplayStore(nodeRedis, { timeoutMs: TIMEOUT_MS, failOpen: true })
        await admin.sendCommand(['CLIENT', 'PAUSE', '5000', 'WRITE'])
        try {
          const result = await outcome(store)
          expect(result.code).toBe('accepted')
          expect(result.ms < 2500).toBe(true)
        } finally {
          await admin.sendCommand(['CLIENT', 'UNPAUSE'])
        }
      },
      30_000,
    )
  })
})
