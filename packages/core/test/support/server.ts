/**
 * A real loopback HTTP server in whichever runtime runs the tests: `Deno.serve` in Deno,
 * `Bun.serve` in Bun, `node:http` in Node. The handler is Web-standard (`Request → Response`), so
 * one application serves every runtime, and the browser project's global setup serves it too.
 */
export type Handler = (request: Request) => Response | Promise<Response>

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string
  close(): Promise<void>
}

declare const Deno: { serve(options: { port: number; hostname: string; onListen?: () => void }, handler: Handler): { addr: { port: number }; shutdown(): Promise<void> } } | undefined
declare const Bun: { serve(options: { port: number; hostname: string; fetch: Handler }): { port: number; stop(force?: boolean): void } } | undefined

export const runtime: 'deno' | 'bun' | 'node' | 'browser' =
  typeof Deno !== 'undefined' ? 'deno' : typeof Bun !== 'undefined' ? 'bun' : typeof window !== 'undefined' ? 'browser' : 'node'

export async function startServer(handler: Handler): Promise<RunningServer> {
  if (runtime === 'deno') {
    const server = Deno!.serve({ port: 0, hostname: '127.0.0.1', onListen: () => {} }, handler)
    return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() }
  }
  if (runtime === 'bun') {
    const server = Bun!.serve({ port: 0, hostname: '127.0.0.1', fetch: handler })
    return { url: `http://127.0.0.1:${server.port}`, close: async () => server.stop(true) }
  }
  if (runtime === 'browser') throw new Error('browsers cannot listen; use the server of the browser project global setup')
  return startNodeServer(handler)
}

/** node:http with the Web handler: IncomingMessage → Request, Response → ServerResponse, both streamed. */
export async function startNodeServer(handler: Handler, port = 0): Promise<RunningServer> {
  const { createServer } = await import('node:http')
  const { Readable } = await import('node:stream')
  const server = createServer(async (req, res) => {
    try {
      const host = req.headers.host ?? '127.0.0.1'
      const headers = new Headers()
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      const request = new Request(`http://${host}${req.url}`, {
        method: req.method,
        headers,
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
      } as RequestInit)
      const response = await handler(request)
      const out: Record<string, string | string[]> = {}
      response.headers.forEach((v, k) => {
        out[k] = v
      })
      res.writeHead(response.status, out)
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          if (!res.write(chunk)) await new Promise((r) => res.once('drain', r))
        }
      }
      res.end()
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(String(err))
    }
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const address = server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  return {
    url: `http://127.0.0.1:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      }),
  }
}
