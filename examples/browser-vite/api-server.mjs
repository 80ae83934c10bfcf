// The API the page talks to, on another origin than the page: node:http with CORS. It issues
// short-lived session keys, verifies every signed request (with a replay store) and signs every
// answer. Run alone: node api-server.mjs [port]
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import { isSignetError, memoryReplayStore, signResponse, verifyRequest } from '@signet/core'

const SESSION_SECONDS = 15 * 60

// What the browser must be allowed to send, and to read, cross-origin.
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'signature, signature-input, content-digest, date',
}
const PREFLIGHT = {
  ...CORS,
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
  'access-control-allow-headers': 'content-type, content-digest, signature, signature-input',
  'access-control-max-age': '600',
}

export async function startApiServer(port = 0) {
  const sessions = new Map() // key id → { id, secret: bytes, expiresAt }
  const keys = (id) => {
    const session = sessions.get(id)
    return session && session.expiresAt > Date.now() ? session : undefined
  }
  const replayStore = memoryReplayStore()

  const server = createServer(async (req, res) => {
    if (req.method === 'OPTIONS') return res.writeHead(204, PREFLIGHT).end()
    const url = new URL(req.url, `http://${req.headers.host}`)
    if (url.pathname === '/session' && req.method === 'POST') {
      // In real life: only for a logged-in user, and bound to that user.
      const id = `session-${randomBytes(6).toString('hex')}`
      const secret = randomBytes(32)
      sessions.set(id, { id, secret, expiresAt: Date.now() + SESSION_SECONDS * 1000 })
      const body = JSON.stringify({ id, secret: secret.toString('base64'), expiresAt: new Date(Date.now() + SESSION_SECONDS * 1000).toISOString() })
      return res.writeHead(200, { ...CORS, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body)
    }

    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const request = { method: req.method, url: url.href, headers: req.headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined }
    let status = 200
    let payload
    let key
    try {
      const verified = await verifyRequest(request, { keys, replayStore })
      key = keys(verified.keyId)
      payload = { ok: true, keyId: verified.keyId, covered: verified.covered }
    } catch (err) {
      if (!isSignetError(err)) throw err
      status = 401
      payload = { error: err.code, message: err.message }
    }
    const body = JSON.stringify(payload)
    const headers = { 'content-type': 'application/json' }
    // Answers to verified requests are signed with the session's key; refusals are not signed
    // (there is no key to sign them with when the key id is unknown).
    if (key) Object.assign(headers, (await signResponse({ status, headers, body }, { key, request })).headers)
    const sent = url.searchParams.has('tamper') ? body.replace('"ok":true', '"ok":7rue') : body
    res.writeHead(status, { ...CORS, ...headers }).end(sent)
  })
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await startApiServer(Number(process.argv[2] ?? 8787))
  console.log(`API on ${url}`)
}
