// Uploading a large file from disk, signed, in constant memory: fs.openAsBlob gives a file-backed
// Blob, createSignedFetch hashes it in pieces for Content-Digest and sends the same Blob (never
// held in memory), and the server verifies the digest while the body streams in.
// Run: node run.mjs [size in MiB, default 512]   (exits 1 if memory grows past a quarter of the file)
import assert from 'node:assert/strict'
import { openAsBlob } from 'node:fs'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { isSignetError, memoryReplayStore, signResponse, verifyRequest } from '@signet/core'
import { createSignedFetch } from '@signet/fetch'

const MiB = 1024 * 1024
const size = Number(process.argv[2] ?? 512) * MiB
const key = { id: 'uploader', secret: process.env.SIGNET_SECRET ?? 'a long random shared secret' }

// ---------------------------------------------------------------- server: verifies as the body streams in
const replayStore = memoryReplayStore()
const server = createServer(async (req, res) => {
  let received = 0
  // A Web stream over the request, counting bytes on the way. A real server would write each
  // chunk to a temporary file here, and move it into place only once the request is verified.
  const body = Readable.toWeb(req).pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        received += chunk.byteLength
        controller.enqueue(chunk)
      },
    }),
  )
  // A plain ReadableStream body is read once, by the verifier, which hashes it chunk by chunk.
  const request = { method: req.method, url: `http://${req.headers.host}${req.url}`, headers: req.headers, body }
  let status = 200
  let payload
  try {
    const verified = await verifyRequest(request, { keys: [key], replayStore })
    payload = { ok: true, received, covered: verified.covered }
  } catch (err) {
    if (!isSignetError(err)) throw err
    status = 401
    payload = { error: err.code, message: err.message, received }
  }
  const text = JSON.stringify(payload)
  const headers = { 'content-type': 'application/json' }
  const signed = await signResponse({ status, headers, body: text }, { key, request })
  res.writeHead(status, { ...headers, ...signed.headers }).end(text)
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${server.address().port}`

// ---------------------------------------------------------------- a large file on disk (sparse: no disk space used)
const dir = await mkdtemp(join(tmpdir(), 'signet-large-upload-'))
const path = join(dir, 'upload.bin')
const file = await open(path, 'w')
await file.truncate(size)
await file.write('signet: first bytes', 0)
await file.write('signet: last bytes', size - 64)
await file.close()

// ---------------------------------------------------------------- client
/** Peak RSS growth over the baseline while `work` runs, sampled every 5 ms. */
async function peakRssGrowth(work) {
  const baseline = process.memoryUsage.rss()
  let peak = baseline
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5)
  try {
    return { result: await work(), growth: Math.max(peak, process.memoryUsage.rss()) - baseline }
  } finally {
    clearInterval(timer)
  }
}

try {
  const signedFetch = createSignedFetch({ key, verifyResponse: true })
  await (await signedFetch(`${origin}/warm-up`, { method: 'POST', body: 'warm-up' })).json() // load code paths before measuring

  const blob = await openAsBlob(path, { type: 'application/octet-stream' })
  const started = performance.now()
  const { result: answer, growth } = await peakRssGrowth(async () => {
    const res = await signedFetch(`${origin}/uploads/upload.bin`, { method: 'PUT', body: blob })
    return { status: res.status, ...(await res.json()) }
  })
  const seconds = (performance.now() - started) / 1000
  const mib = (n) => `${(n / MiB).toFixed(1)} MiB`
  console.log(`PUT ${mib(size)} file → ${answer.status}, server verified ${mib(answer.received)} (covers ${answer.covered?.join(' ')})`)
  console.log(`${seconds.toFixed(1)} s (${mib(size / seconds)}/s: hashed once by the client, once by the server)`)
  console.log(`peak RSS growth (client and server, one process): ${mib(growth)}, ${((100 * growth) / size).toFixed(1)}% of the file`)
  assert.equal(answer.status, 200, JSON.stringify(answer))
  assert.equal(answer.received, size)
  // A constant overhead (buffers, the HTTP machinery) of a few tens of MiB, whatever the file size.
  const limit = Math.max(size / 4, 96 * MiB)
  assert.ok(growth < limit, `RSS grew by ${mib(growth)}, more than ${mib(limit)} for a ${mib(size)} file`)
  console.log('large-upload example: ok')
} catch (err) {
  console.error('large-upload example failed:', isSignetError(err) ? `${err.code}: ${err.message}` : err)
  process.exitCode = 1
} finally {
  server.close()
  await rm(dir, { recursive: true, force: true })
}
