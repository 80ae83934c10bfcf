/**
 * One verifier machine, run as its own Node process by `verifiers.ts` (bundled with esbuild first,
 * since Node 20 does not run TypeScript): a loopback HTTP server that verifies every request with
 * `verifyRequest` and a `redisReplayStore` on node-redis. Several of these sharing one Redis are
 * the multi-server setup of docs/multi-server.md.
 *
 * Environment: REDIS_URL, PUBLIC_ORIGIN (the origin clients sign for: the servers sit behind one
 * public name, as behind a load balancer), NAME. Prints one JSON line `{"port": N}` when listening.
 * Answers 200 `{ok: true, server}` or 401 `{ok: false, code, server}`.
 */
import { isSignetError, verifyRequest } from '@signet/core'
import { createClient } from 'redis'
import { startNodeServer } from '../../../core/test/support/server.ts'
import { redisReplayStore } from '../../src/index.ts'
import { VERIFIER_KEY } from './keys.ts'

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL!
  const publicOrigin = process.env.PUBLIC_ORIGIN!
  const name = process.env.NAME ?? 'verifier'

  // The recommended client settings: commands fail at once while disconnected (instead of waiting
  // in the offline queue), and the client keeps reconnecting in the background.
  const client = createClient({ url: redisUrl, disableOfflineQueue: true })
  client.on('error', () => {})
  await client.connect()
  const replayStore = redisReplayStore(client, { timeoutMs: 1000 })

  const server = await startNodeServer(async (request) => {
    const url = new URL(request.url)
    const headers: Record<string, string> = {}
    request.headers.forEach((v, k) => (headers[k] = v))
    let status = 200
    let payload: Record<string, unknown>
    try {
      await verifyRequest({ method: request.method, url: publicOrigin + url.pathname + url.search, headers }, { keys: [VERIFIER_KEY], replayStore })
      payload = { ok: true, server: name }
    } catch (err) {
      if (!isSignetError(err)) throw err
      status = 401
      payload = { ok: false, code: err.code, server: name }
    }
    return new Response(JSON.stringify(payload), { status, headers: { 'content-type': 'application/json' } })
  })

  const shutdown = async (): Promise<void> => {
    await server.close()
    client.destroy()
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown())
  process.on('SIGINT', () => void shutdown())
  // The test process holds our stdin open; when it goes away (even by crashing), so do we.
  process.stdin.on('end', () => void shutdown())
  process.stdin.on('error', () => void shutdown())
  process.stdin.resume()
  process.stdout.write(JSON.stringify({ port: Number(new URL(server.url).port) }) + '\n')
}

main().catch((err: unknown) => {
  process.stderr.write(`verifier failed to start: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
