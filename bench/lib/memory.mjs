// Memory of signing and verifying big bodies, in Node. Each scenario runs in its own child
// process (node --expose-gc) over a file-backed body (fs.openAsBlob / a file stream), so the body
// itself is never in memory: whatever RSS grows by is what Signet (or the pattern) holds.
//
// Peak: the kernel's high-water mark (VmHWM in /proc/self/status), reset right before the
// scenario by writing 5 to /proc/self/clear_refs; where that is refused, RSS sampled every 2 ms.
// Idle: RSS after the setup (modules loaded, a small request signed, the body file opened) and two
// full GCs.
import { spawnSync } from 'node:child_process'
import { closeSync, openSync, openAsBlob, readFileSync, unlinkSync, writeSync, createReadStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'

const MiB = 1024 * 1024
const KEY = { id: 'AKIDEXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
export const MEMORY_BUDGET_MIB = 64

export const SCENARIOS = {
  'sign-blob': 'signRequest rfc9421(), body = file-backed Blob (fs.openAsBlob)',
  'sign-stream': 'signRequest rfc9421(), body = ReadableStream of the file: buffered (so its bytes can still be sent) up to maxBufferedBodyBytes, then refused with body_too_large; large bodies go as Blobs',
  'sign-blob-sigv4': 'signRequest sigv4(), body = file-backed Blob',
  'verify-stream': 'verifyResponse rfc9421(), { status, headers, body: ReadableStream } (core reads the stream)',
  'fetch-stream': "@signet/fetch verifyResponse: { mode: 'stream' }, caller reads the whole body",
  'verify-response-object': 'verifyResponse rfc9421(), a fetch Response with a streamed body (core tees a clone; the caller reads after)',
}
/** Scenarios the 64 MiB target applies to; the last one shows the cost of the tee pattern. */
const TARGETED = new Set(['sign-blob', 'sign-stream', 'sign-blob-sigv4', 'verify-stream', 'fetch-stream'])

function rssKiB() {
  return Math.round(process.memoryUsage.rss() / 1024)
}
function hwmKiB() {
  const m = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) : undefined
}

async function child(scenario, file, presigned) {
  const { signRequest, signResponse, verifyResponse, rfc9421, sigv4 } = await import('./signet.mjs')
  const key = KEY
  const url = 'https://api.example.com/v1/upload'
  const headers = { 'content-type': 'application/octet-stream' }
  const fileStream = () => Readable.toWeb(createReadStream(file, { highWaterMark: 64 * 1024 }))
  const blob = await openAsBlob(file, { type: 'application/octet-stream' })
  // Warm up every code path on a small body so that compiling them is not counted.
  await signRequest({ method: 'POST', url, headers, body: new Uint8Array(1024) }, { key })
  await signRequest({ method: 'POST', url, headers, body: new Blob([new Uint8Array(1024)]) }, { key })

  let run
  if (scenario === 'sign-blob') run = () => signRequest({ method: 'POST', url, headers, body: blob }, { key })
  else if (scenario === 'sign-stream')
    run = async () => {
      try {
        await signRequest({ method: 'POST', url, headers, body: fileStream() }, { key })
      } catch (err) {
        if (err?.code === 'body_too_large') return { refused: err.code }
        throw err
      }
      throw new Error('a 256 MiB stream was signed: expected body_too_large past maxBufferedBodyBytes')
    }
  else if (scenario === 'sign-blob-sigv4') {
    if (!sigv4) return { skipped: 'sigv4 is not available' }
    const scheme = sigv4({ region: 'us-east-1', service: 'execute-api' })
    run = () => signRequest({ method: 'POST', url, headers, body: blob }, { key, scheme })
  } else if (scenario === 'verify-stream' || scenario === 'verify-response-object') {
    // Signed by the parent process, so that hashing the file once here does not raise the idle RSS.
    const all = { ...headers, ...presigned }
    run =
      scenario === 'verify-stream'
        ? () => verifyResponse({ status: 200, headers: all, body: fileStream() }, { keys: [key] })
        : async () => {
            const res = new Response(fileStream(), { status: 200, headers: all })
            const v = await verifyResponse(res, { keys: [key] })
            // The caller then reads the body it was handed.
            for await (const _ of res.body) void _
            return v
          }
  } else if (scenario === 'fetch-stream') {
    const { createSignedFetch } = await import('@signet/fetch')
    const scheme = rfc9421()
    const server = async (request) => {
      const signed = await signResponse({ status: 200, headers, body: blob }, { key, scheme, request })
      return new Response(fileStream(), { status: 200, headers: { ...headers, ...signed.headers } })
    }
    const signedFetch = createSignedFetch({ key, scheme, fetch: server, verifyResponse: { mode: 'stream' } })
    run = async () => {
      const res = await signedFetch(url)
      let n = 0
      for await (const chunk of res.body) n += chunk.byteLength
      return n
    }
  } else throw new Error(`unknown scenario ${scenario}`)

  globalThis.gc()
  globalThis.gc()
  await new Promise((r) => setTimeout(r, 20))
  const idle = rssKiB()
  let reset = false
  try {
    const { writeFileSync } = await import('node:fs')
    writeFileSync('/proc/self/clear_refs', '5')
    reset = hwmKiB() !== undefined && hwmKiB() <= idle + 4096
  } catch {}
  let sampled = idle
  const timer = setInterval(() => {
    sampled = Math.max(sampled, rssKiB())
  }, 2)
  const t0 = performance.now()
  await run()
  const ms = performance.now() - t0
  clearInterval(timer)
  sampled = Math.max(sampled, rssKiB())
  const peak = reset ? Math.max(hwmKiB(), sampled) : sampled
  return { idleMiB: idle / 1024, peakMiB: peak / 1024, deltaMiB: (peak - idle) / 1024, method: reset ? 'VmHWM' : 'sampled', ms: Math.round(ms) }
}

/** Writes a `sizeMiB` file, runs every scenario in its own `node --expose-gc` child, returns the rows. */
export async function runMemory({ sizeMiB = 256, log = () => {} } = {}) {
  const file = join(tmpdir(), `signet-bench-${process.pid}.bin`)
  const fd = openSync(file, 'w')
  const chunk = new Uint8Array(MiB)
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24
  for (let i = 0; i < sizeMiB; i++) writeSync(fd, chunk)
  closeSync(fd)
  const { signResponse } = await import('./signet.mjs')
  const presigned = (await signResponse({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: await openAsBlob(file) }, { key: KEY })).headers
  const rows = []
  try {
    for (const [scenario, label] of Object.entries(SCENARIOS)) {
      const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), 'child', scenario, file, JSON.stringify(presigned)], { encoding: 'utf8', timeout: 300_000 })
      let row
      try {
        row = JSON.parse(r.stdout.trim().split('\n').pop())
      } catch {
        row = { error: (r.stderr || r.stdout || `exit ${r.status}`).split('\n').slice(0, 4).join(' | ') }
      }
      row = { scenario, label, sizeMiB, targeted: TARGETED.has(scenario), budgetMiB: MEMORY_BUDGET_MIB, ...row }
      if (row.deltaMiB !== undefined) row.pass = row.deltaMiB <= MEMORY_BUDGET_MIB
      log(`memory ${scenario}: ${row.error ?? row.skipped ?? `idle ${row.idleMiB.toFixed(1)} MiB, peak +${row.deltaMiB.toFixed(1)} MiB (${row.method}), ${row.ms} ms`}`)
      rows.push(row)
    }
  } finally {
    unlinkSync(file)
  }
  return rows
}

if (process.argv[2] === 'child') {
  const out = await child(process.argv[3], process.argv[4], JSON.parse(process.argv[5]))
  console.log(JSON.stringify(out))
}
