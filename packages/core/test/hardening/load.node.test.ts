/**
 * Load: signed requests from 64 concurrent clients against a real loopback server that verifies
 * each one with verifyRequest and a memoryReplayStore. About 5 % are tampered (body or path
 * changed after signing) or replayed; every decision must be right: each good request accepted,
 * each bad one refused with its code. Reports requests/s, p50/p99 latency and memory at each
 * quarter, and checks that memory does not grow from the first quarter to the last.
 *
 * Short by default (2,000 requests, what CI runs); `SIGNET_LOAD=full` sends 20,000.
 * Runs in Node, Deno and Bun (each with its own server, see support/server.ts); not in Chromium.
 */
import { describe, expect, it } from 'vitest'
import { isSignetError } from '../../src/errors.ts'
import type { SigningKey } from '../../src/keys.ts'
import { memoryReplayStore } from '../../src/replay.ts'
import { signRequest } from '../../src/sign.ts'
import { verifyRequest } from '../../src/verify.ts'
import { runtime, startServer } from '../support/server.ts'
import { env, KEY_ID, SECRET_TEXT } from './support.ts'
import { Pick } from './tamper-cases.ts'

const FULL = env('SIGNET_LOAD') === 'full'
const TOTAL = FULL ? 20_000 : 2_000
const CLIENTS = 64
/** Wall-clock bound of the whole run. */
const MAX_SECONDS = FULL ? 240 : 60
const KEY: SigningKey = { id: KEY_ID, secret: SECRET_TEXT }

type Kind = 'good' | 'tampered-body' | 'tampered-path' | 'replay'
const EXPECTED: Record<Kind, string> = { good: 'accepted', 'tampered-body': 'digest_mismatch', 'tampered-path': 'signature_mismatch', replay: 'replayed' }

interface Sent {
  url: string
  method: string
  headers: Record<string, string>
  body?: string
}

declare const Bun: { gc(force: boolean): void } | undefined

/** A full garbage collection where the runtime offers one (Bun: Bun.gc; Node and Deno: V8's, exposed on the fly). */
async function gcFunction(): Promise<(() => void) | undefined> {
  if (typeof Bun !== 'undefined') return () => Bun!.gc(true)
  const g = (globalThis as { gc?: () => void }).gc
  if (g) return g
  try {
    const v8 = await import('node:v8')
    const vm = await import('node:vm')
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc') as unknown
    return typeof gc === 'function' ? (gc as () => void) : undefined
  } catch {
    return undefined
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

describe(`load: ${TOTAL.toLocaleString('en')} signed requests, ${CLIENTS} concurrent clients (${runtime})`, () => {
  it(
    'decides every request right, at a steady memory',
    async () => {
      // Sized to fill within the first quarter of a full run, so that the store's own (bounded)
      // growth does not hide a leak elsewhere; replays are of the last 256 accepted requests.
      const replayStore = memoryReplayStore({ maxEntries: 2048 })
      /** Time spent in verifyRequest on the server (body read included), per request. */
      const verifyTimes: number[] = []
      const server = await startServer(async (request) => {
        let status = 200
        let code = 'accepted'
        const t0 = performance.now()
        try {
          await verifyRequest(request, { keys: [KEY], replayStore })
        } catch (err) {
          if (!isSignetError(err)) throw err
          status = 401
          code = err.code
        }
        verifyTimes.push(performance.now() - t0)
        await request.arrayBuffer().catch(() => undefined)
        return new Response(JSON.stringify({ code }), { status, headers: { 'content-type': 'application/json' } })
      })
      const gc = await gcFunction()
      const memory = (): { heap: number; rss: number } => {
        gc?.()
        const m = process.memoryUsage()
        return { heap: m.heapUsed, rss: m.rss }
      }

      const pick = new Pick(0x5167_6e65)
      const kinds: Kind[] = Array.from({ length: TOTAL }, () => {
        const r = pick.next(1000)
        return r < 20 ? 'tampered-body' : r < 30 ? 'tampered-path' : r < 50 ? 'replay' : 'good'
      })
      const accepted: Sent[] = []
      const latencies: number[] = []
      const wrong: string[] = []
      const counts: Record<Kind, number> = { good: 0, 'tampered-body': 0, 'tampered-path': 0, replay: 0 }
      const samples: { done: number; heap: number; rss: number }[] = [{ done: 0, ...memory() }]
      let next = 0
      let done = 0
      const started = performance.now()

      const send = async (i: number): Promise<void> => {
        let kind = kinds[i]!
        if (kind === 'replay' && accepted.length === 0) kind = 'good'
        counts[kind]++
        const t0 = performance.now()
        let sent: Sent
        if (kind === 'replay') {
          sent = accepted[accepted.length - 1 - pick.next(Math.min(accepted.length, 256))]!
        } else {
          // A tampered body needs a body to tamper with (a GET that gains one is refused before its MAC is checked).
          const post = i % 3 !== 0 || kind === 'tampered-body'
          const url = `${server.url}/orders/${i}?client=${i % CLIENTS}&n=${i}`
          const body = post ? JSON.stringify({ item: `book-${i}`, qty: (i % 7) + 1, note: 'ünïcode ✓' }) : undefined
          const headers: Record<string, string> = post ? { 'content-type': 'application/json' } : {}
          const signed = await signRequest({ method: post ? 'POST' : 'GET', url, headers, body }, { key: KEY })
          sent = { url, method: post ? 'POST' : 'GET', headers: { ...headers, ...signed.headers }, ...(body !== undefined ? { body } : {}) }
          if (kind === 'tampered-body') sent = { ...sent, body: `${body!} ` }
          if (kind === 'tampered-path') sent = { ...sent, url: sent.url.replace(`/orders/${i}`, `/orders/${i + 1}`) }
        }
        const response = await fetch(sent.url, { method: sent.method, headers: sent.headers, ...(sent.body !== undefined ? { body: sent.body } : {}) })
        const { code } = (await response.json()) as { code: string }
        latencies.push(performance.now() - t0)
        if (code !== EXPECTED[kind] || (response.status === 200) !== (kind === 'good')) wrong.push(`#${i} ${kind}: ${response.status} ${code}`)
        if (kind === 'good' && response.status === 200) accepted.push(sent)
        if (accepted.length > 1024) accepted.splice(0, 512)
        done++
        if (done % (TOTAL / 4) === 0) samples.push({ done, ...memory() })
      }

      try {
        await Promise.all(
          Array.from({ length: CLIENTS }, async () => {
            for (let i = next++; i < TOTAL; i = next++) {
              if ((performance.now() - started) / 1000 > MAX_SECONDS) throw new Error(`load test over ${MAX_SECONDS} s after ${done} requests`)
              await send(i)
            }
          }),
        )
      } finally {
        await server.close()
      }
      const seconds = (performance.now() - started) / 1000
      const sorted = [...latencies].sort((a, b) => a - b)
      const verifySorted = [...verifyTimes].sort((a, b) => a - b)
      const mb = (n: number) => `${(n / 1048576).toFixed(1)}`
      const q = samples.slice(1)
      console.log(
        `[load ${runtime}${FULL ? ' full' : ' short'}] ${TOTAL} requests (${counts.good} good, ${counts['tampered-body']} body tampered, ${counts['tampered-path']} path tampered, ${counts.replay} replays) ` +
          `from ${CLIENTS} clients in ${seconds.toFixed(2)} s: ${Math.round(TOTAL / seconds)} req/s, p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, ` +
          `verifyRequest p50 ${percentile(verifySorted, 50).toFixed(3)} ms, p99 ${percentile(verifySorted, 99).toFixed(3)} ms; wrong decisions ${wrong.length}; heap MB at start/quarters ${[samples[0]!, ...q].map((s) => mb(s.heap)).join(' / ')}${gc ? ' (after GC)' : ' (no GC available)'}, ` +
          `RSS MB ${[samples[0]!, ...q].map((s) => mb(s.rss)).join(' / ')}; replay store ${replayStore.size} entries`,
      )
      expect(wrong.slice(0, 10)).toEqual([])
      expect(latencies).toHaveLength(TOTAL)
      expect(counts.replay + counts['tampered-body'] + counts['tampered-path']).toBeGreaterThan(TOTAL * 0.03)
      expect(q).toHaveLength(4)
      // No growth from the first quarter to the last (bounded store, nothing retained per request).
      if (gc) expect(q[3]!.heap - q[0]!.heap).toBeLessThan(16 * 1048576)
    },
    300_000,
  )
})
