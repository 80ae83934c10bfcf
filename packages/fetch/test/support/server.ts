/**
 * One loopback server for every server runtime, around a Web-standard handler
 * `(req: Request) => Promise<Response>`: `Deno.serve` in Deno, `Bun.serve` in Bun, `node:http` in
 * Node (IncomingMessage → Request and Response → ServerResponse, both streamed with backpressure).
 * Browsers cannot listen: there, tools/browser-global-setup.ts starts the Node server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export type Handler = (req: Request) => Promise<Response>

export interface RunningServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string
  close(): Promise<void>
}

export interface ServerOptions {
  /** @default 0 (any free port) */
  port?: number
  /** @default '127.0.0.1' */
  hostname?: string
}

interface DenoServer {
  addr: { port: number }
  shutdown(): Promise<void>
}
interface DenoLike {
  serve(options: { port: number; hostname: string; onListen?: () => void }, handler: Handler): DenoServer
}
interface BunServer {
  port: number
  stop(closeActiveConnections?: boolean): void | Promise<void>
}
interface BunLike {
  serve(options: { port: number; hostname: string; fetch: Handler; idleTimeout?: number; maxRequestBodySize?: number }): BunServer
}

const g = globalThis as { Deno?: DenoLike; Bun?: BunLike }

function errorResponse(err: unknown): Response {
  return new Response(`handler failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`, { status: 500 })
}

function guarded(handler: Handler): Handler {
  return async (req) => {
    try {
      return await handler(req)
    } catch (err) {
      return errorResponse(err)
    }
  }
}

export async function startServer(handler: Handler, options: ServerOptions = {}): Promise<RunningServer> {
  const port = options.port ?? 0
  const hostname = options.hostname ?? '127.0.0.1'
  if (g.Deno) {
    const server = g.Deno.serve({ port, hostname, onListen() {} }, guarded(handler))
    return { url: `http://${hostname}:${server.addr.port}`, close: () => server.shutdown() }
  }
  if (g.Bun) {
    const server = g.Bun.serve({ port, hostname, fetch: guarded(handler), idleTimeout: 60, maxRequestBodySize: 1024 * 1024 * 1024 })
    return { url: `http://${hostname}:${server.port}`, close: async () => void (await server.stop(true)) }
  }
  return startNodeServer(guarded(handler), port, hostname)
}

/** Hop-by-hop and framing headers node:http sets itself. */
const NODE_MANAGED = new Set(['connection', 'keep-alive', 'transfer-encoding'])

function toRequest(req: IncomingMessage, fallbackHost: string, toWeb: (r: IncomingMessage) => ReadableStream<Uint8Array>): Request {
  const headers = new Headers()
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  const length = req.headers['content-length']
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers }
  if (hasBody) {
    init.body = toWeb(req)
    init.duplex = 'half'
  }
  return new Request(`http://${req.headers.host ?? fallbackHost}${req.url ?? '/'}`, init)
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  for (const [name, value] of response.headers) {
    if (NODE_MANAGED.has(name) || name === 'set-cookie') continue
    res.setHeader(name, value)
  }
  const cookies = response.headers.getSetCookie?.() ?? []
  if (cookies.length > 0) res.setHeader('set-cookie', cookies)
  res.writeHead(response.status, response.statusText || undefined)
  if (response.body === null) {
    res.end()
    return
  }
  const reader = response.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (res.destroyed) {
        await reader.cancel()
        return
      }
      if (!res.write(value)) await drainOrClose(res)
    }
    res.end()
  } catch (err) {
    res.destroy(err instanceof Error ? err : new Error(String(err)))
  }
}

async function startNodeServer(handler: Handler, port: number, hostname: string): Promise<RunningServer> {
  const http = await import('node:http')
  const { Readable } = await import('node:stream')
  const toWeb = (r: IncomingMessage) => Readable.toWeb(r) as unknown as ReadableStream<Uint8Array>
  let fallbackHost = `${hostname}:${port}`
  const server = http.createServer((req, res) => {
    let request: Request
    try {
      request = toRequest(req, fallbackHost, toWeb)
    } catch (err) {
      void writeResponse(errorResponse(err), res)
      return
    }
    void handler(request).then((response) => writeResponse(response, res))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, hostname, () => resolve())
  })
  const address = server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  fallbackHost = `${hostname}:${actualPort}`
  return {
    url: `http://${hostname}:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
