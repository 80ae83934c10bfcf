/**
 * A loopback reverse proxy that flips one bit of every request body on its way to `target`,
 * passing everything else through (and the host the client addressed, as X-Forwarded-Host).
 */
import { startServer, type RunningServer } from './server.ts'

const DROPPED = ['host', 'content-length', 'connection', 'transfer-encoding', 'accept-encoding', 'keep-alive']

export function startTamperingProxy(target: string): Promise<RunningServer> {
  return startServer(async (req) => {
    const url = new URL(req.url)
    const bytes = req.body ? new Uint8Array(await req.arrayBuffer()) : undefined
    if (bytes && bytes.byteLength > 0) bytes[bytes.byteLength >> 1] = bytes[bytes.byteLength >> 1]! ^ 0x20
    const headers = new Headers(req.headers)
    for (const name of DROPPED) headers.delete(name)
    headers.set('x-forwarded-host', url.host)
    const upstream = await fetch(target + url.pathname + url.search, { method: req.method, headers, body: bytes as BodyInit | undefined, redirect: 'manual' })
    const out = new Headers(upstream.headers)
    for (const name of ['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive']) out.delete(name)
    return new Response(upstream.body, { status: upstream.status, headers: out })
  })
}
