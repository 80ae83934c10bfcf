// A node:http API server that verifies every request and signs every response, with keys that
// rotate: the keys live in a table (a database in real life), looked up by key id through
// cachedKeyLookup, and revoking one takes effect at once (invalidate).
import { createServer } from 'node:http'
import { cachedKeyLookup, isSignetError, memoryReplayStore, signResponse, verifyRequest } from '@signet/core'

/**
 * `clientKeys`: key id → { id, secret }, the keys clients sign with (the "database").
 * `responseKey`: the key this server signs its responses with.
 */
export async function startApiServer({ clientKeys, responseKey: initialResponseKey }) {
  let responseKey = initialResponseKey
  const keys = cachedKeyLookup((id) => clientKeys.get(id), { ttlSeconds: 300 })
  const replayStore = memoryReplayStore()

  const server = createServer(async (req, res) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const request = { method: req.method, url: `http://${req.headers.host}${req.url}`, headers: req.headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined }
    let status = 200
    let payload
    try {
      const verified = await verifyRequest(request, { keys, replayStore })
      payload = { ok: true, keyId: verified.keyId }
    } catch (err) {
      if (!isSignetError(err)) throw err
      // 401 for a bad signature; 503 if the replay store is down (the client may retry).
      status = err.code === 'replay_store_unavailable' ? 503 : 401
      payload = { error: err.code, message: err.message }
    }
    const body = JSON.stringify(payload)
    const headers = { 'content-type': 'application/json' }
    const signed = await signResponse({ status, headers, body }, { key: responseKey, request })
    res.writeHead(status, { ...headers, ...signed.headers }).end(body)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Accept a new client key. */
    addKey(key) {
      clientKeys.set(key.id, key)
      keys.invalidate(key.id) // forget a cached "unknown" answer for this id
    },
    /** Sign responses with another key from now on (clients must accept it first). */
    setResponseKey(key) {
      responseKey = key
    },
    /** Stop accepting a key: removed from the table, forgotten by the cache at once. */
    revokeKey(id) {
      clientKeys.delete(id)
      keys.invalidate(id)
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}
