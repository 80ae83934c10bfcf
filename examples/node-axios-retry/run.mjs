// Node + axios + axios-retry: signAxios signs every attempt afresh. The server verifies each one
// with a replay store and fails the first with 503; axios-retry sends it again, with a new
// `created`, nonce and signature, and it is accepted. Re-sending the first attempt's signature
// instead (what a retry that copied headers would do) is refused as a replay.
// Run: node run.mjs   (exits 1 if anything does not behave as printed)
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import axios from 'axios'
import axiosRetry from 'axios-retry'
import { isSignetError, memoryReplayStore, signResponse, verifyRequest } from '@signet/core'
import { signAxios } from '@signet/axios'

const key = { id: 'client-1', secret: process.env.SIGNET_SECRET ?? 'a long random shared secret' }

// ---------------------------------------------------------------- server (node:http)
const replayStore = memoryReplayStore()
const attempts = new Map() // path → attempts seen
const server = createServer(async (req, res) => {
  const chunks = []
  for await (const chunk of req) chunks.push(chunk)
  const request = { method: req.method, url: `http://${req.headers.host}${req.url}`, headers: req.headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined }
  let status = 200
  let payload
  try {
    const verified = await verifyRequest(request, { keys: [key], replayStore })
    const attempt = (attempts.get(req.url) ?? 0) + 1
    attempts.set(req.url, attempt)
    // The first attempt is verified (its nonce is now used), then the server is "overloaded".
    if (attempt === 1) status = 503
    payload = { attempt, nonce: verified.nonce, ...(status === 503 ? { error: 'try again' } : { ok: true }) }
  } catch (err) {
    if (!isSignetError(err)) throw err
    status = 401
    payload = { error: err.code, message: err.message }
  }
  const body = JSON.stringify(payload)
  const headers = { 'content-type': 'application/json' }
  const signed = await signResponse({ status, headers, body }, { key, request })
  res.writeHead(status, { ...headers, ...signed.headers }).end(body)
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const baseURL = `http://127.0.0.1:${server.address().port}`

// ---------------------------------------------------------------- client (axios)
const nonceOf = (base) => /;nonce="([^"]+)"/.exec(base)?.[1]
const api = axios.create({ baseURL, maxRedirects: 0 })
const sent = []
signAxios(api, { key, verifyResponse: true, onSigned: ({ method, url, base }) => sent.push({ method, url, nonce: nonceOf(base) }) })
axiosRetry(api, {
  retries: 2,
  retryDelay: () => 20,
  // POST is not idempotent, so axios-retry would not retry it by default: this API says 503 is safe to retry.
  retryCondition: (error) => error.response?.status === 503,
  onRetry: (count, error) => console.log(`  attempt ${count} answered ${error.response?.status}: axios-retry sends it again`),
})

try {
  const res = await api.post('/orders', { sku: 'A1', qty: 2 })
  console.log(`POST /orders → ${res.status}`, JSON.stringify(res.data))
  for (const s of sent) console.log(`  signed ${s.method} ${new URL(s.url).pathname} with nonce ${s.nonce}`)
  assert.equal(res.status, 200)
  assert.equal(res.data.attempt, 2)
  assert.equal(sent.length, 2, 'two attempts, each signed')
  assert.notEqual(sent[0].nonce, sent[1].nonce, 'the retry carries a fresh nonce')
  assert.equal(res.data.nonce, sent[1].nonce)

  // What a retry that copied the first attempt's signed headers would get: that nonce was used.
  const noRetry = axios.create({ baseURL, validateStatus: () => true })
  signAxios(noRetry, { key })
  const once = await noRetry.post('/payments', { amount: 5 })
  const signedHeaders = Object.fromEntries(['content-type', 'content-digest', 'signature', 'signature-input'].map((h) => [h, once.config.headers.get(h)]))
  const replay = await axios.post(`${baseURL}/payments`, { amount: 5 }, { headers: signedHeaders, validateStatus: () => true })
  console.log(`the first attempt's signed headers copied into a new request → ${once.status}, then ${replay.status} ${replay.data.error}`)
  assert.equal(once.status, 503)
  assert.equal(replay.status, 401)
  assert.equal(replay.data.error, 'replayed')

  console.log('node-axios-retry example: ok')
} catch (err) {
  console.error('node-axios-retry example failed:', isSignetError(err) ? `${err.code}: ${err.message}` : err)
  process.exitCode = 1
} finally {
  server.close()
}
