// Deno: a Deno.serve server that verifies signed requests and signs its answers, and a client
// (createSignedFetch) that signs every request and verifies every response. Deno hands the
// server Web `Request` objects, which Signet takes as they are.
// Run: deno run --allow-net=127.0.0.1 --allow-env=SIGNET_SECRET --allow-read --check main.ts
import assert from 'node:assert/strict'
import { isSignetError, memoryReplayStore, signResponse, verifyRequest, type SigningKey } from '@signet/core'
import { createSignedFetch } from '@signet/fetch'

const key: SigningKey = { id: 'deno-client', secret: Deno.env.get('SIGNET_SECRET') ?? 'a long random shared secret' }

// ---------------------------------------------------------------- server (Deno.serve)
const replayStore = memoryReplayStore()
const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, async (request) => {
  let status = 200
  let payload: Record<string, unknown>
  try {
    const verified = await verifyRequest(request, { keys: [key], replayStore })
    // The request is still readable: verifyRequest read a clone of its body.
    payload = { hello: verified.keyId, covered: verified.covered, body: await request.text() }
  } catch (err) {
    if (!isSignetError(err)) throw err
    status = 401
    payload = { error: err.code, message: err.message }
  }
  const body = JSON.stringify(payload)
  const headers = new Headers({ 'content-type': 'application/json' })
  const signed = await signResponse({ status, headers, body }, { key, request })
  for (const [name, value] of Object.entries(signed.headers)) headers.set(name, value)
  return new Response(body, { status, headers })
})
const origin = `http://127.0.0.1:${server.addr.port}`

// ---------------------------------------------------------------- client
const signedFetch = createSignedFetch({ key, verifyResponse: true })
try {
  const res = await signedFetch(`${origin}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"A1"}' })
  const json = await res.json()
  console.log(`POST /orders → ${res.status}`, JSON.stringify(json))
  assert.equal(res.status, 200)
  assert.equal(json.body, '{"sku":"A1"}')

  // A "network" that changes one byte of the body after it was signed.
  const tampering = createSignedFetch({
    key,
    verifyResponse: true,
    fetch: async (input, init) => {
      const request = new Request(input, init)
      const body = (await request.text()).replace('A1', 'A9')
      return fetch(request.url, { method: request.method, headers: request.headers, body })
    },
  })
  const refused = await tampering(`${origin}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"A1"}' })
  const reason = await refused.json()
  console.log(`the same POST with its body changed on the way → ${refused.status} ${reason.error}`)
  assert.equal(refused.status, 401)
  assert.equal(reason.error, 'digest_mismatch')

  console.log(`deno example (Deno ${Deno.version.deno}): ok`)
} catch (err) {
  console.error('deno example failed:', isSignetError(err) ? `${err.code}: ${err.message}` : err)
  Deno.exitCode = 1
} finally {
  await server.shutdown()
}
