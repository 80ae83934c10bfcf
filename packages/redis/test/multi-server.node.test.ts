/**
 * The multi-server setup of docs/multi-server.md, for real: two verifier processes (child Node
 * processes, each a loopback HTTP server verifying with `verifyRequest` + `redisReplayStore` on
 * node-redis) share one real redis-server. A nonce accepted by either is a replay on both.
 */
import { signRequest } from '@signet/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PUBLIC_ORIGIN, VERIFIER_KEY } from './support/keys.ts'
import { startRedis, type RedisServer } from './support/redis-server.ts'
import { startVerifiers, type Verifier, type VerifierFleet } from './support/verifiers.ts'

interface Answer {
  status: number
  ok: boolean
  code?: string
  server: string
}

/** A request signed for the public origin, as plain data: path and the signature headers. */
interface Signed {
  path: string
  headers: Record<string, string>
}

let redis: RedisServer
let fleet: VerifierFleet
let a: Verifier
let b: Verifier

let counter = 0
async function sign(path = `/orders/${++counter}`): Promise<Signed> {
  const { headers } = await signRequest({ method: 'GET', url: PUBLIC_ORIGIN + path }, { key: VERIFIER_KEY })
  return { path, headers }
}

async function send(verifier: Verifier, request: Signed): Promise<Answer> {
  const response = await fetch(verifier.url + request.path, { headers: request.headers })
  const body = (await response.json()) as Omit<Answer, 'status'>
  return { status: response.status, ...body }
}

/** Deterministic PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

// Hooks sit in a describe: the Deno shim runs only describe-level beforeAll/afterAll.
describe('multi-server verification', () => {
  beforeAll(async () => {
    redis = await startRedis()
    fleet = await startVerifiers(2, redis.url)
    ;[a, b] = fleet.verifiers as [Verifier, Verifier]
  })

  afterAll(async () => {
    await fleet?.stop()
    await redis?.stop()
  })

  describe('two verifier processes sharing one Redis', () => {
    it('a request accepted by one is rejected as replayed by the other (both ways), and by itself', async () => {
      const first = await sign()
      expect(await send(a, first)).toEqual({ status: 200, ok: true, server: 'verifier-1' })
      expect(await send(b, first)).toEqual({ status: 401, ok: false, code: 'replayed', server: 'verifier-2' })
      expect(await send(a, first)).toEqual({ status: 401, ok: false, code: 'replayed', server: 'verifier-1' })

      const second = await sign()
      expect(await send(b, second)).toEqual({ status: 200, ok: true, server: 'verifier-2' })
      expect(await send(a, second)).toEqual({ status: 401, ok: false, code: 'replayed', server: 'verifier-1' })
    }, 30_000)

    it('10,000 requests with 1% replays over both servers, 32 in flight: exactly 9,900 accepted and 100 replayed', async () => {
      const UNIQUE = 9_900
      const REPLAYS = 100
      const CONCURRENCY = 32
      const random = prng(0x5eed)

      const unique = await Promise.all(Array.from({ length: UNIQUE }, () => sign()))
      // Each replay re-sends an earlier request, unchanged, to the other server; after shuffling, a
      // replay may even be in flight together with (or before) its original: exactly one must win.
      const replayed = shuffle([...unique.keys()], random).slice(0, REPLAYS)
      const plan = shuffle(
        [...unique.map((request, i) => ({ index: i, verifier: i % 2 === 0 ? a : b, request })), ...replayed.map((i) => ({ index: i, verifier: i % 2 === 0 ? b : a, request: unique[i]! }))],
        random,
      )
      expect(plan).toHaveLength(10_000)

      const acceptedPerIndex = new Uint8Array(UNIQUE)
      const counts: Record<string, number> = {}
      const perServer: Record<string, number> = {}
      let next = 0
      const started = performance.now()
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < plan.length) {
            const { index, verifier, request } = plan[next++]!
            const answer = await send(verifier, request)
            const outcome = answer.ok ? 'accepted' : answer.code!
            counts[outcome] = (counts[outcome] ?? 0) + 1
            perServer[`${answer.server} ${outcome}`] = (perServer[`${answer.server} ${outcome}`] ?? 0) + 1
            if (answer.ok) acceptedPerIndex[index]!++
          }
        }),
      )
      const seconds = (performance.now() - started) / 1000
      console.log(`10,000 requests over 2 verifiers in ${seconds.toFixed(2)} s (${Math.round(10_000 / seconds)} req/s):`, JSON.stringify(counts), JSON.stringify(perServer))

      expect(counts).toEqual({ accepted: 9_900, replayed: 100 })
      expect(acceptedPerIndex.every((n) => n === 1)).toBe(true)
      expect(perServer['verifier-1 accepted']! + perServer['verifier-2 accepted']!).toBe(9_900)
      expect(perServer['verifier-1 accepted']).toBeGreaterThan(4_000)
      expect(perServer['verifier-2 accepted']).toBeGreaterThan(4_000)
      expect(seconds < 90).toBe(true)
    }, 120_000)

    it('Redis stopped mid-test: both refuse with replay_store_unavailable (fail closed), then accept again after a restart on the same port', async () => {
      expect((await send(a, await sign())).ok).toBe(true)
      expect((await send(b, await sign())).ok).toBe(true)

      await redis.stop()
      for (const verifier of [a, b, a, b]) {
        const answer = await send(verifier, await sign())
        expect(answer).toEqual({ status: 401, ok: false, code: 'replay_store_unavailable', server: verifier.name })
      }

      await redis.start()
      for (const verifier of [a, b]) {
        const deadline = performance.now() + 15_000
        let answer: Answer
        do {
          answer = await send(verifier, await sign())
          if (!answer.ok) {
            expect(answer.code).toBe('replay_store_unavailable')
            await new Promise((r) => setTimeout(r, 100))
          }
        } while (!answer.ok && performance.now() < deadline)
        expect(answer).toEqual({ status: 200, ok: true, server: verifier.name })
      }
      // And the shared memory works again: a fresh request accepted by one is a replay on the other.
      const request = await sign()
      expect((await send(a, request)).ok).toBe(true)
      expect((await send(b, request)).code).toBe('replayed')
    }, 60_000)
  })
})
