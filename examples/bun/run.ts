// Bun: a Bun.serve server that verifies signed requests and signs its answers, and a client
// (createSignedFetch) that signs every request and verifies every response, including one
// tampered on the way back (rejected before the caller sees it).
// Run: bun run.ts
import assert from 'node:assert/strict'
import { isSignetError, memoryReplayStore, signResponse, verifyRequest, type SigningKey } from '@signet/core'
import { createSignedFetch } from '@signet/fetch'

const key: SigningKey = { id: 'bun-client', secret: process.env.SIGNET_SECRET ?? 'a long random shared secret' }

// ---------------------------------------------------------------- server (Bun.serve)
const replayStore = memoryReplayStore()
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  async fetch(request) {
    const url = new URL(request.url)
    let status = 200
    let payload: Record<string, unknown>
    try {
      const verified = await verifyRequest(request, { keys: [key], replayStore })
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
    // ?tamper plays a proxy that changes the answer after it was signed.
    return new Response(url.searchParams.has('tamper') ? body.replace('bun-client', 'bun-client!') : body, { status, headers })
  },
})
const origin = `http://127.0.0.1:${server.port}`

// ---------------------------------------------------------------- client
const signedFetch = createSignedFetch({ key, verifyResponse: true })
try {
  const res = await signedFetch(`${origin}/orders?status=open`)
  const json = await res.json()
  console.log(`GET /orders?status=open → ${res.status}`, JSON.stringify(json))
  assert.equal(res.status, 200)
  assert.deepEqual(json.covered, ['@method', '@authority', '@path', '@query'])

  const put = await signedFetch(`${origin}/orders/7`, { method: 'PUT', body: new Blob(['{"qty":3}'], { type: 'application/json' }) })
  console.log(`PUT /orders/7 (Blob body) → ${put.status}`, (await put.json()).body)
  assert.equal(put.status, 200)

  try {
    await signedFetch(`${origin}/orders?tamper`)
    assert.fail('a tampered answer was handed over')
  } catch (err) {
    if (!isSignetError(err)) throw err
    console.log(`a tampered answer → rejected by the client: ${err.code}`)
    assert.equal(err.code, 'digest_mismatch')
  }

  console.log(`bun example (Bun ${Bun.version}): ok`)
} catch (err) {
  console.error('bun example failed:', isSignetError(err) ? `${err.code}: ${err.message}` : err)
  process.exitCode = 1
} finally {
  await server.stop(true)
}
