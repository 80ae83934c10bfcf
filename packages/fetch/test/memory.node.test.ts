/**
 * Constant memory for large bodies, measured (Node only: RSS is a Node notion here, and the file is
 * excluded from the browser project; Deno and Bun skip it). Client and server run in this process,
 * so the peak RSS covers both: a 256 MiB Blob upload hashed in pieces and verified as it streams
 * in, and a 256 MiB download verified in stream mode.
 */
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSignedFetch } from '../src/index.ts'
import { itWhen, runtime, testServer } from './support/env.ts'
import { testKey } from './support/keys.ts'
import type { TestServer } from './support/env.ts'

const MiB = 1024 * 1024
const SIZE = 256 * MiB
const LIMIT = 96 * MiB
const inNode = itWhen(it, runtime === 'node')

let server: TestServer
let dir: string | undefined

/** Peak RSS growth over the baseline while `work` runs, sampled every 5 ms. */
async function rssGrowth(work: () => Promise<void>): Promise<number> {
  const baseline = process.memoryUsage.rss()
  let peak = baseline
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 5)
  try {
    await work()
  } finally {
    clearInterval(timer)
  }
  return Math.max(peak, process.memoryUsage.rss()) - baseline
}

async function writeFile(path: string, size: number): Promise<void> {
  const out = createWriteStream(path)
  const chunk = Uint8Array.from({ length: MiB }, (_, i) => (i * 13) & 0xff)
  for (let written = 0; written < size; written += MiB) {
    chunk[0] = written / MiB
    if (!out.write(chunk.slice())) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())))
}

describe('signed fetch: memory stays flat for large bodies', () => {
  beforeAll(async () => {
    if (runtime !== 'node') return
    server = await testServer()
    dir = await mkdtemp(join(tmpdir(), 'signet-fetch-'))
  })
  afterAll(async () => {
    await server?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  inNode('uploads a 256 MiB file-backed Blob with RSS growth well under its size', async () => {
    const path = join(dir!, 'upload.bin')
    await writeFile(path, SIZE)
    const { openAsBlob } = await import('node:fs')
    const blob = await openAsBlob(path)
    const signedFetch = createSignedFetch({ key: testKey, verifyResponse: true })
    await (await signedFetch(`${server.url}/upload`, { method: 'POST', body: 'warm-up' })).arrayBuffer()
    let answer: { ok: boolean; bodyLength: number } | undefined
    const growth = await rssGrowth(async () => {
      const res = await signedFetch(`${server.url}/upload`, { method: 'PUT', body: blob })
      answer = (await res.json()) as { ok: boolean; bodyLength: number }
    })
    expect(answer?.ok).toBe(true)
    expect(answer?.bodyLength).toBe(SIZE)
    expect(growth).toBeLessThan(LIMIT)
  }, 120_000)

  inNode("downloads 256 MiB verified in mode 'stream' with RSS growth well under its size", async () => {
    const signedFetch = createSignedFetch({ key: testKey, verifyResponse: { mode: 'stream' } })
    await (await signedFetch(`${server.url}/big?mib=1`)).arrayBuffer()
    let total = 0
    const growth = await rssGrowth(async () => {
      const res = await signedFetch(`${server.url}/big?mib=256`)
      const reader = res.body!.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        total += value.byteLength
      }
    })
    expect(total).toBe(SIZE)
    expect(growth).toBeLessThan(LIMIT)
  }, 120_000)
})
