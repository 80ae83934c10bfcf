// The demo's server: plain node:http. Every request is verified with the preset's scheme (with a
// replay store); the answer says what was accepted or why not, and is signed when the scheme
// signs responses. Two extra behaviours play the network and the server's clock:
//   /skewed…           a server whose clock runs SERVER_SKEW_MS ahead of the client's
//   ?tamper-response   a proxy that changes one byte of the signed response body on the way back
import { createServer } from 'node:http'
import { isSignetError, memoryReplayStore, signResponse, verifyRequest } from '@signet/core'

export const SERVER_SKEW_MS = 10 * 60 * 1000

/** Starts a server for one preset on a free loopback port. */
export async function startServer(preset) {
  const scheme = preset.scheme()
  const keys = [preset.key]
  const replayStore = memoryReplayStore()

  async function handle(request) {
    const url = new URL(request.url)
    const now = url.pathname.startsWith('/skewed') ? () => Date.now() + SERVER_SKEW_MS : Date.now
    let status = 200
    let payload
    try {
      const verified = await verifyRequest(request, { keys, scheme, replayStore, now })
      payload = { accepted: true, keyId: verified.keyId, covered: verified.covered, created: verified.created ?? null, body: await request.text() }
    } catch (err) {
      if (!isSignetError(err)) throw err
      status = err.code === 'replay_store_unavailable' ? 503 : 401
      // Signet's error details never contain a secret (the rebuilt base shows `<secret>` in its
      // place), so they are safe to return: they are what a client needs to see why it failed.
      payload = { accepted: false, code: err.code, message: err.message, details: err.details }
    }
    const body = JSON.stringify(payload)
    const headers = { 'content-type': 'application/json', date: new Date(now()).toUTCString() }
    if (!preset.noResponses) Object.assign(headers, (await signResponse({ status, headers, body }, { key: preset.key, scheme, request, now })).headers)
    const sent = url.searchParams.has('tamper-response') ? body.replace('"accepted":true', '"accepted":7rue') : body
    return new Response(sent, { status, headers })
  }

  const server = createServer(async (req, res) => {
    try {
      const chunks = []
      for await (const chunk of req) chunks.push(chunk)
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method: req.method,
        headers: Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
      })
      const response = await handle(request)
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(Buffer.from(await response.arrayBuffer()))
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(String(err?.stack ?? err))
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}
