// The requests every implementation signs, and the credentials. Isomorphic (no node:*).

export const ACCESS_KEY_ID = 'AKIDEXAMPLE'
export const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
export const REGION = 'us-east-1'
export const SERVICE = 'execute-api'

export const GET_URL = 'https://api.example.com/v1/orders/12345?include=items&limit=10'
export const POST_URL = 'https://api.example.com/v1/orders'

export const KiB = 1024
export const MiB = 1024 * 1024

/** A JSON document of exactly `n` bytes (ASCII). */
export function jsonOfSize(n) {
  const head = '{"order":{"id":"12345","items":['
  const tail = ']},"pad":""}'
  let items = ''
  for (let i = 0; head.length + items.length + tail.length + 40 < n; i++) items += (i ? ',' : '') + `{"sku":"SKU-${String(i).padStart(5, '0')}","qty":${(i % 9) + 1}}`
  const base = head + items + tail
  return base.slice(0, -2) + 'x'.repeat(n - base.length) + '"}'
}

/** Deterministic pseudo-random bytes (xorshift32), so every runtime hashes the same data. */
export function bytesOfSize(n, seed = 0x9e3779b9) {
  const out = new Uint8Array(n)
  const words = new Uint32Array(out.buffer, 0, n >>> 2)
  let x = seed >>> 0
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    words[i] = x >>> 0
  }
  for (let i = words.length * 4; i < n; i++) out[i] = i & 255
  return out
}

/** A fresh ReadableStream over `bytes` in `chunk`-sized views (no copies: the source costs nothing). */
export function streamOf(bytes, chunk = 64 * KiB) {
  let at = 0
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) {
        controller.close()
        return
      }
      controller.enqueue(bytes.subarray(at, Math.min(at + chunk, bytes.byteLength)))
      at += chunk
    },
  })
}

/** The huge body's size: 256 MiB, 32 MiB in quick mode. */
export const hugeBytesFor = (quick) => (quick ? 32 : 256) * MiB

/**
 * The request groups. `size` classes pick the measuring budget: small (GET, 1 KiB), medium
 * (64 KiB, 1 MiB), huge (Blob/stream of `hugeBytes`; `hugeBlob`, when given, holds the same bytes).
 */
export function makeRequests({ hugeBytes, hugeBlob }) {
  const json1k = jsonOfSize(1 * KiB)
  const b64k = bytesOfSize(64 * KiB)
  const b1m = bytesOfSize(1 * MiB)
  const huge = bytesOfSize(hugeBytes)
  const jsonHeaders = { accept: 'application/json', 'content-type': 'application/json' }
  const binHeaders = { accept: 'application/json', 'content-type': 'application/octet-stream' }
  return [
    { id: 'get', label: 'GET (no body)', size: 'small', method: 'GET', url: GET_URL, headers: { accept: 'application/json' }, body: undefined, bodyBytes: undefined },
    { id: 'post1k', label: 'POST 1 KiB JSON', size: 'small', method: 'POST', url: POST_URL, headers: jsonHeaders, body: json1k, bodyBytes: new TextEncoder().encode(json1k) },
    { id: 'post64k', label: 'POST 64 KiB', size: 'medium', method: 'POST', url: POST_URL, headers: binHeaders, body: b64k, bodyBytes: b64k },
    { id: 'post1m', label: 'POST 1 MiB', size: 'medium', method: 'POST', url: POST_URL, headers: binHeaders, body: b1m, bodyBytes: b1m },
    {
      id: 'huge',
      label: `POST ${hugeBytes / MiB} MiB Blob / stream`,
      size: 'huge',
      method: 'POST',
      url: POST_URL,
      headers: binHeaders,
      body: huge,
      bodyBytes: huge,
      // A runtime may hand in a file-backed Blob of the same bytes (the browser: an <input type=file>).
      blob: hugeBlob ?? new Blob([huge], { type: 'application/octet-stream' }),
      stream: () => streamOf(huge),
    },
  ]
}
