// The loop bench/profile.mjs profiles: one kind of call, many times, with the V8 sampling profiler
// on (node:inspector) only around the timed loop, so module loading and building the verify pool
// are not in the profile. argv: <case> <iterations> <out.cpuprofile> [core module URL].
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { makeRequests, ACCESS_KEY_ID, SECRET, REGION, SERVICE, MiB } from './fixtures.mjs'

const [which, n = '200000', outFile, coreUrl] = process.argv.slice(2)
const session = new Session()
session.connect()
async function profiled(loop) {
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 50 })
  await session.post('Profiler.start')
  const t0 = performance.now()
  await loop()
  const ms = performance.now() - t0
  const { profile } = await session.post('Profiler.stop')
  writeFileSync(outFile, JSON.stringify(profile))
  return ms
}
const core = coreUrl ? await import(coreUrl) : await import('@signet/core')
const key = { id: ACCESS_KEY_ID, secret: SECRET }
const reqs = Object.fromEntries(makeRequests({ hugeBytes: 1 * MiB }).map((r) => [r.id, r]))
const [scheme, group, verify] = which.split('-')
const req = reqs[group]
const opts = scheme === 'sigv4' ? { key, scheme: core.sigv4({ region: REGION, service: SERVICE }) } : { key }
const msg = () => ({ method: req.method, url: req.url, headers: req.headers, body: req.body })
const iterations = Number(n)
if (verify) {
  // Signed ahead, outside the profile's hot loop as far as possible: a pool, then the verifications.
  const store = core.memoryReplayStore()
  const pool = []
  for (let i = 0; i < iterations; i++) {
    // SigV4 has no nonce: a signed x-request-id keeps same-second signatures distinct for the replay store.
    const headers = scheme === 'sigv4' ? { ...req.headers, 'x-request-id': String(i) } : req.headers
    const r = await core.signRequest({ method: req.method, url: req.url, headers, body: req.body }, opts)
    // Flat header strings, as a server parses them (see signedPool in cases.mjs).
    pool.push({ method: req.method, url: req.url, headers: JSON.parse(JSON.stringify({ ...headers, ...r.headers })), body: req.body })
  }
  globalThis.gc?.()
  const ms = await profiled(async () => {
    for (const p of pool) await core.verifyRequest(p, { keys: [key], replayStore: store, ...(opts.scheme ? { scheme: opts.scheme } : {}) })
  })
  console.error(`${which}: ${((ms * 1e3) / iterations).toFixed(2)} µs/call (wall, profiler on)`)
} else {
  for (let i = 0; i < 20000; i++) await core.signRequest(msg(), opts) // warm-up, not profiled
  const ms = await profiled(async () => {
    for (let i = 0; i < iterations; i++) await core.signRequest(msg(), opts)
  })
  console.error(`${which}: ${((ms * 1e3) / iterations).toFixed(2)} µs/call (wall, profiler on)`)
}
session.disconnect()
