import { createClient } from 'redis'
import { startServer, type RunningServer } from '../../../core/test/support/server.ts'

/**
 * A loopback stand-in for Upstash's REST API, so the `@upstash/redis` adapter is tested against
 * the real client and a real Redis without an Upstash account. It speaks the part of the protocol
 * that client uses (https://upstash.com/docs/redis/features/restapi):
 *
 * - `POST /` with a JSON array command (`["SET","k","1","NX","PX","300"]`) → `{"result": …}`;
 * - `POST /pipeline` with an array of commands → `[{"result": …} | {"error": "…"}, …]` (the client
 *   auto-pipelines by default);
 * - `Authorization: Bearer <token>`, else 401;
 * - `Upstash-Encoding: base64`: string results base64-encoded, except the simple string `OK`;
 * - errors as `{"error": "…"}` with status 400.
 *
 * Each command is forwarded to the real `redis-server` with node-redis `sendCommand`.
 */
export interface UpstashStandIn {
  url: string
  token: string
  close(): Promise<void>
}

type Reply = string | number | null | Reply[]

function encode(value: unknown, base64: boolean): Reply {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (Array.isArray(value)) return value.map((v) => encode(v, base64))
  const s = String(value)
  return base64 && s !== 'OK' ? btoa(String.fromCharCode(...new TextEncoder().encode(s))) : s
}

export async function startUpstashStandIn(redisUrl: string, token = 'stand-in-token'): Promise<UpstashStandIn> {
  const redis = createClient({ url: redisUrl, disableOfflineQueue: true })
  redis.on('error', () => {})
  await redis.connect()

  const run = async (command: unknown, base64: boolean): Promise<{ result: Reply } | { error: string }> => {
    if (!Array.isArray(command) || command.length === 0 || !command.every((a) => typeof a === 'string' || typeof a === 'number')) {
      return { error: 'ERR the command must be a non-empty JSON array of strings and numbers' }
    }
    try {
      return { result: encode(await redis.sendCommand(command.map(String)), base64) }
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) }
    }
  }

  const server: RunningServer = await startServer(async (request) => {
    const json = (body: unknown, status = 200): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
    if (request.headers.get('authorization') !== `Bearer ${token}`) return json({ error: 'Unauthorized' }, 401)
    if (request.method !== 'POST') return json({ error: 'ERR only POST is supported by this stand-in' }, 405)
    const base64 = request.headers.get('upstash-encoding')?.toLowerCase() === 'base64'
    let body: unknown
    try {
      body = await request.json()
    } catch {
      return json({ error: 'ERR the body is not JSON' }, 400)
    }
    const path = new URL(request.url).pathname
    if (path === '/') {
      const out = await run(body, base64)
      return json(out, 'error' in out ? 400 : 200)
    }
    if (path === '/pipeline') {
      if (!Array.isArray(body)) return json({ error: 'ERR a pipeline is a JSON array of commands' }, 400)
      const out = []
      for (const command of body) out.push(await run(command, base64))
      return json(out)
    }
    return json({ error: `ERR ${path} is not implemented by this stand-in` }, 404)
  })

  return {
    url: server.url,
    token,
    async close() {
      await server.close()
      await redis.close()
    },
  }
}
