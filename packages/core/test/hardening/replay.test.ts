/**
 * memoryReplayStore under churn: bounded by maxEntries, entries expire at their time, and a nonce
 * still inside its window keeps being refused while thousands of others come and go, including
 * when expiries arrive out of order (signers' clocks differ; a scheme's future window lets a
 * timestamp sit minutes ahead).
 */
import { describe, expect, it } from 'vitest'
import { memoryReplayStore } from '../../src/replay.ts'
import { signRequest } from '../../src/sign.ts'
import { verifyRequest } from '../../src/verify.ts'
import { bodyNonceHmac } from '../../src/schemes/body-nonce-hmac.ts'
import { KEY_ID, outcome, SECRET_TEXT, SLOW } from './support.ts'
import { Pick } from './tamper-cases.ts'

describe('memoryReplayStore under churn', () => {
  it('keeps refusing every nonce inside its window, with expiries out of order', () => {
    const maxEntries = 1200
    const store = memoryReplayStore({ maxEntries })
    const pick = new Pick(20240611)
    const live: { key: string; exp: number }[] = []
    let t = 1_700_000_000_000
    let replaysRefused = 0
    let expiredAccepted = 0
    for (let i = 0; i < 60_000; i++) {
      t += 250 // 4 requests per second
      // Window 240 s, ±30 s of signer clock skew, and 2 % of signers five minutes ahead.
      const exp = t + 240_000 + (pick.next(60_001) - 30_000) + (pick.next(50) === 0 ? 300_000 : 0)
      const key = `k\u0000n${i}`
      expect(store.checkAndStore(key, exp, t)).toBe(true)
      live.push({ key, exp })
      if (store.size > maxEntries) throw new Error(`size ${store.size} over ${maxEntries}`)
      if (i % 7 === 0) {
        // A replay of a recent-or-old nonce: refused while inside its window, accepted after.
        const { key: k, exp: e } = live[live.length - 1 - pick.next(Math.min(live.length, 2000))]!
        const fresh = store.checkAndStore(k, e, t)
        if (e > t) {
          if (fresh) throw new Error(`replay of ${JSON.stringify(k)} accepted ${((e - t) / 1000).toFixed(1)} s before its window ends (step ${i})`)
          replaysRefused++
        } else {
          expect(fresh).toBe(true)
          expiredAccepted++
        }
      }
      if (live.length > 4000) live.splice(0, 1000)
    }
    expect(replaysRefused).toBeGreaterThan(3000)
    expect(expiredAccepted).toBeGreaterThan(1000)
    expect(store.size).toBeLessThan(maxEntries + 1)
  }, SLOW)

  it('an entry expires at its expiresAtMs, not before', () => {
    const store = memoryReplayStore()
    expect(store.checkAndStore('a', 2000, 1000)).toBe(true)
    expect(store.checkAndStore('a', 2000, 1999)).toBe(false)
    expect(store.checkAndStore('a', 3000, 2000)).toBe(true)
    expect(store.checkAndStore('a', 3000, 2999)).toBe(false)
    expect(store.size).toBe(1)
  }, SLOW)

  it('expired entries go first, whatever order they arrived in', () => {
    const store = memoryReplayStore({ maxEntries: 3 })
    expect(store.checkAndStore('long', 100_000, 0)).toBe(true)
    expect(store.checkAndStore('short-1', 10_000, 0)).toBe(true)
    expect(store.checkAndStore('short-2', 10_000, 0)).toBe(true)
    // At 20 s both short ones have expired: they make room, and "long" stays.
    expect(store.checkAndStore('new', 100_000, 20_000)).toBe(true)
    expect(store.checkAndStore('long', 100_000, 21_000)).toBe(false)
    expect(store.size).toBe(2)
  }, SLOW)

  it('holds at most maxEntries when more are live than fit, dropping the soonest to expire (oldest among equals)', () => {
    const store = memoryReplayStore({ maxEntries: 100 })
    for (let i = 0; i < 150; i++) expect(store.checkAndStore(`n${i}`, 1_000_000 + Math.floor(i / 10), 0)).toBe(true)
    expect(store.size).toBe(100)
    // n0…n49 were dropped; n50…n149 are still refused.
    for (let i = 149; i >= 50; i--) expect(`n${i}: ${store.checkAndStore(`n${i}`, 1_000_000, 1)}`).toBe(`n${i}: false`)
    expect(store.checkAndStore('n0', 1_000_000, 1)).toBe(true)
    expect(store.size).toBe(100)
  }, SLOW)

  it('refuses a replayed bodyNonceHmac request while thousands of others pass', async () => {
    const scheme = bodyNonceHmac({ keyId: KEY_ID })
    const key = { id: KEY_ID, secret: SECRET_TEXT }
    const replayStore = memoryReplayStore({ maxEntries: 5000 })
    const nowMs = 1_700_000_000_000
    const request = { method: 'POST', url: 'https://api.example.com/hook', body: '{"event":"x"}' }
    const first = await signRequest(request, { key, scheme, now: () => nowMs })
    const signedFirst = { ...request, headers: first.headers }
    expect(await outcome(verifyRequest(signedFirst, { keys: [key], scheme, now: () => nowMs, replayStore }))).toBe('accepted')
    for (let i = 0; i < 3000; i++) {
      const t = nowMs + i * 50
      const s = await signRequest({ ...request, body: `{"event":${i}}` }, { key, scheme, now: () => t })
      expect(await outcome(verifyRequest({ ...request, body: `{"event":${i}}`, headers: s.headers }, { keys: [key], scheme, now: () => t, replayStore }))).toBe('accepted')
      if (i % 500 === 0) expect(await outcome(verifyRequest(signedFirst, { keys: [key], scheme, now: () => t, replayStore }))).toBe('replayed')
    }
    expect(replayStore.size).toBeLessThan(5001)
  }, SLOW)
})
