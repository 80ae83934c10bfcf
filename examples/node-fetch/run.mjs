// Node: a node:http server that verifies signed requests and signs its answers, and a client
// (createSignedFetch from @signet/fetch) that signs every request and verifies every response.
// Run: node run.mjs   (exits 1 if anything does not behave as printed)
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { isSignetError, memoryReplayStore, signResponse, verifyRequest } from '@signet/core'
import { createSignedFetch } from '@signet/fetch'

// In real life both sides read the secret from their secret store.
const key = { id: 'client-1', secret: process.env.SIGNET_SECRET ?? 'a long random shared secret' }

// ---------------------------------------------------------------- server (node:http)
const replayStore = memoryReplayStore()

const server = createServer(async (req, res) => {
  const chunks = []
  for await (const chunk of req) chunks.push(chunk)
  // verifyRequest takes a Web Request or plain data: node:http's headers object works as it is.
  const request = {
    method: req.method,
    url: `http://${req.headers.host}${req.url}`,
    headers: req.headers,
    body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
  }
  let status = 200
  let payload
  try {
    const verified = await verifyRequest(request, { keys: [key], replayStore })
    payload = { hello: verified.keyId, covered: verified.covered, received: request.body?.byteLength ?? 0 }
  } catch (err) {
    if (!isSignetError(err)) throw err
    status = 401
    payload = { error: err.code, message: err.message }
  }
  const body = JSON.stringify(payload)
  const headers = { 'content-type': 'application/json' }
  // Sign the answer, bound to the request it answers (RFC 9421 `;req` components).
  const signed = await signResponse({ status, headers, body }, { key, request })
  res.writeHead(status, { ...headers, ...signed.headers }).end(body)
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${server.address().port}`

// ---------------------------------------------------------------- client (@signet/fetch)
const signedFetch = createSignedFetch({
  key,
  verifyResponse: true, // unsigned or tampered answers reject with a SignetError
  onSigned: ({ method, url }) => console.log(`  signed ${method} ${new URL(url).pathname}`),
})

try {
  // JSON
  const order = await signedFetch(`${origin}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sku: 'A1', qty: 2 }),
  })
  const created = await order.json()
  console.log('POST /orders →', order.status, JSON.stringify(created))
  assert.equal(order.status, 200)
  assert.equal(created.hello, 'client-1')

  // A query string: signed exactly as sent
  const list = await signedFetch(`${origin}/orders?status=open&limit=10`)
  console.log('GET /orders?status=open&limit=10 →', list.status, (await list.json()).covered.join(' '))
  assert.equal(list.status, 200)

  // FormData with a file: serialized once, and the bytes sent (with that boundary) are the bytes signed
  const form = new FormData()
  form.append('note', 'receipt')
  form.append('file', new Blob(['%PDF-1.7 …'], { type: 'application/pdf' }), 'receipt.pdf')
  const upload = await signedFetch(`${origin}/uploads`, { method: 'POST', body: form })
  console.log('POST /uploads (multipart) →', upload.status, `${(await upload.json()).received} bytes verified`)
  assert.equal(upload.status, 200)

  // A client holding the wrong secret: the server refuses, and says why
  const wrong = createSignedFetch({ key: { id: 'client-1', secret: 'not the secret' } })
  const refused = await wrong(`${origin}/orders`)
  const reason = await refused.json()
  console.log('wrong secret: GET /orders →', refused.status, reason.error)
  assert.equal(refused.status, 401)
  assert.equal(reason.error, 'signature_mismatch')

  console.log('node-fetch example: ok')
} catch (err) {
  console.error('node-fetch example failed:', isSignetError(err) ? `${err.code}: ${err.message}` : err)
  process.exitCode = 1
} finally {
  server.close()
}
