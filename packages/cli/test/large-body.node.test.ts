/**
 * A large body read from disk: `--data-binary @file` is handed to the core as a file-backed Blob
 * and hashed in pieces, so the CLI's memory stays flat however large the file; progress is shown
 * on stderr (forced with --progress here, since the test's stderr is not a TTY). The peak RSS is
 * sampled in the CLI process itself by a `--import` hook that prints it at exit.
 */
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isSignetError, verifyRequest } from '../../core/src/index.ts'
import { startNodeServer, type RunningServer } from '../../core/test/support/server.ts'
import { SECRET } from './support/apps.ts'
import { requireBuild, signet, signetJson, tempDir } from './support/cli.ts'

const MiB = 1024 * 1024
const SIZE = 512 * MiB
/** Far below the file's size: the file is never held in memory. */
const RSS_LIMIT = 200 * MiB
// Sampled, not getrusage's maxRSS: on Linux that one starts from the parent's RSS at fork time
// (the test runner's), so it would measure the runner rather than the CLI.
const MAXRSS_HOOK = `data:text/javascript,let m=0;const s=()=>{m=Math.max(m,process.memoryUsage.rss())};setInterval(s,10).unref();process.on("exit",()=>{s();process.stderr.write("maxrss="+m+"\\n")})`

function peakRss(stderr: string): number {
  const m = /maxrss=(\d+)/.exec(stderr)
  if (!m) throw new Error(`no maxrss line in: ${stderr.slice(-500)}`)
  return Number(m[1])
}

describe('a large body from disk', () => {
  let dir: { path: string; remove(): Promise<void> }
  let server: RunningServer
  let file: string
  let digest: string

  beforeAll(async () => {
    requireBuild()
    dir = await tempDir('large')
    file = join(dir.path, 'big.bin')
    // A sparse file: 512 MiB of zeros that take no disk space and are quick to read.
    const fh = await open(file, 'w')
    await fh.truncate(SIZE)
    await fh.close()
    const h = createHash('sha256')
    const zeros = new Uint8Array(MiB)
    for (let i = 0; i < SIZE / MiB; i++) h.update(zeros)
    digest = `sha-256=:${h.digest('base64')}:`
    // A verifier that reads the body stream once (no clone, so nothing is buffered on this side
    // either), on node:http in every runtime: Bun.serve refuses bodies over 128 MiB by default.
    server = await startNodeServer(async (request) => {
      try {
        const v = await verifyRequest({ method: request.method, url: request.url, headers: request.headers, body: request.body }, { keys: [{ id: 'cli-key', secret: SECRET }] })
        return Response.json({ ok: true, covered: v.covered })
      } catch (err) {
        if (!isSignetError(err)) throw err
        return Response.json({ ok: false, code: err.code }, { status: 401 })
      }
    })
  })
  afterAll(async () => {
    await server?.close()
    await dir?.remove()
  })

  it('is hashed in constant memory, with progress on stderr', async () => {
    const { run, json } = await signetJson<{ headers: Record<string, string> }>(
      ['sign', '--key-id', 'cli-key', '-X', 'PUT', '--data-binary', '@big.bin', 'https://api.example.com/upload', '--progress', '--json'],
      { cwd: dir.path, env: { SIGNET_SECRET: SECRET }, nodeArgs: ['--import', MAXRSS_HOOK], timeoutMs: 120_000 },
    )
    expect(run.code).toBe(0)
    expect(json.headers['content-digest']).toBe(digest)
    expect(run.stderr).toContain('hashing big.bin: 512.0 MiB / 512.0 MiB (100%)')
    expect(RSS_LIMIT).toBeGreaterThan(peakRss(run.stderr))
  }, 120_000)

  it('is sent with --send from the file, accepted, in constant memory', async () => {
    const run = await signet(['sign', '--key-id', 'cli-key', '-X', 'PUT', '--data-binary', '@big.bin', `${server.url}/upload`, '--send', '--no-progress'], {
      cwd: dir.path,
      env: { SIGNET_SECRET: SECRET },
      nodeArgs: ['--import', MAXRSS_HOOK],
      timeoutMs: 120_000,
    })
    expect(run.stderr).toContain('HTTP 200')
    expect(JSON.parse(run.stdout).ok).toBe(true)
    expect(run.stderr).not.toContain('hashing')
    expect(RSS_LIMIT).toBeGreaterThan(peakRss(run.stderr))
    expect(run.code).toBe(0)
  }, 120_000)
})
