import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { isSignetError, memoryReplayStore, signResponse, verifyRequest, type SigningKey } from '@signet/core'
import { EXIT, flag, parse, seconds, str, UsageError } from '../args.ts'
import { COMMON_OPTIONS, SECRET_OPTIONS, secretSource } from '../common.ts'
import { HELP } from '../help.ts'
import type { Io } from '../io.ts'
import { note } from '../output.ts'
import { buildScheme, declaredAlgorithm, schemeName, SCHEME_OPTIONS, SIGNS_RESPONSES } from '../schemes.ts'
import { loadSecret, redactEnvSecret } from '../secret.ts'

export const SERVE_OPTIONS = {
  ...COMMON_OPTIONS,
  ...SCHEME_OPTIONS,
  ...SECRET_OPTIONS,
  port: { type: 'string' },
  host: { type: 'string' },
  'max-age': { type: 'string' },
  'clock-skew': { type: 'string' },
  replay: { type: 'boolean' },
} as const

/** The request as plain data; its body is the node stream as a web stream, read once by the core. */
function toMessage(req: IncomingMessage): { method: string; url: string; headers: Headers; body: ReadableStream<Uint8Array> | undefined } {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return {
    method: req.method ?? 'GET',
    url: `http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
  }
}

/** Reads what the verifier left of a body, so that the client can finish sending. */
async function drain(body: ReadableStream<Uint8Array> | undefined): Promise<void> {
  if (!body || body.locked) return
  const reader = body.getReader()
  try {
    for (;;) if ((await reader.read()).done) return
  } catch {
    // the client went away
  } finally {
    reader.releaseLock()
  }
}

/**
 * `signet serve`: a local verifying server for trying a client. Every request is verified with the
 * scheme and key; the answer is 200 with what was verified, or 401 with the error code, message
 * and details (including the base it rebuilt, for `signet diff`). Responses are signed when the
 * scheme signs responses. Runs until SIGINT/SIGTERM.
 */
export async function serveCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('serve', argv, SERVE_OPTIONS, 0)
  if (flag(p, 'help')) {
    io.stdout.write(HELP.serve)
    return EXIT.ok
  }
  redactEnvSecret(io, secretSource(p))
  const json = flag(p, 'json')
  const name = schemeName(str(p, 'scheme'))
  const build = buildScheme(name, p, io, { purpose: 'verify' })
  const { secret } = await loadSecret(io, secretSource(p), { textSecret: name === 'djangoHmac' })
  const keyIdFlag = str(p, 'key-id')
  const portText = str(p, 'port') ?? '8787'
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a port number, received ${JSON.stringify(portText)}`)
  const host = str(p, 'host') ?? '127.0.0.1'
  const maxAge = seconds(p, 'max-age')
  const skew = seconds(p, 'clock-skew')
  const replayStore = flag(p, 'replay') ? memoryReplayStore() : undefined
  const responseKeyId = keyIdFlag ?? build.keyId

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request = toMessage(req)
    const url = new URL(request.url)
    const received = { method: request.method, url: request.url, headers: Object.fromEntries(request.headers) }
    const headers = new Map<string, string[]>()
    request.headers.forEach((v, k) => headers.set(k, [v]))
    const algorithm = build.algorithm ?? declaredAlgorithm(headers)
    const keys = (id: string): SigningKey | undefined => (keyIdFlag !== undefined && id !== keyIdFlag ? undefined : { id, secret, ...(algorithm ? { algorithm } : {}) })
    let status = 200
    let payload: Record<string, unknown>
    let signedKeyId: string | undefined
    try {
      const verified = await verifyRequest(request, {
        keys,
        scheme: build.scheme,
        ...(maxAge !== undefined ? { maxAgeSeconds: maxAge } : {}),
        ...(skew !== undefined ? { clockSkewSeconds: skew } : {}),
        ...(replayStore ? { replayStore } : {}),
      })
      signedKeyId = verified.keyId
      payload = { ok: true, scheme: verified.scheme, keyId: verified.keyId, covered: verified.covered, base: verified.base, received }
    } catch (err) {
      if (!isSignetError(err)) throw err
      status = 401
      payload = { ok: false, code: err.code, message: err.message, details: err.details, received }
    }
    await drain(request.body)
    const body = JSON.stringify(payload, null, 2)
    const out: Record<string, string> = { 'content-type': 'application/json' }
    if (SIGNS_RESPONSES.has(name)) {
      const key: SigningKey = { id: signedKeyId ?? responseKeyId ?? 'signet-serve', secret, ...(build.algorithm ? { algorithm: build.algorithm } : {}) }
      const signed = await signResponse({ status, headers: out, body }, { key, scheme: build.scheme, request: { method: request.method, url: request.url, headers: request.headers } })
      Object.assign(out, signed.headers)
    }
    res.writeHead(status, out)
    res.end(body)
    const summary = status === 200 ? 'valid' : `${String(payload.code)}: ${String(payload.message)}`
    if (json) io.stdout.write(`${JSON.stringify({ event: 'request', method: request.method, path: url.pathname + url.search, status, ...(status === 200 ? {} : { code: payload.code }) })}\n`)
    else note(io, `${request.method} ${url.pathname}${url.search} → ${status} ${summary}`)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(`internal error: ${(err as Error).message}`)
      note(io, `internal error: ${(err as Error).stack ?? String(err)}`)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new UsageError(`port ${portText} is in use`, 'choose another with --port (0 picks a free one)') : err))
    server.listen(Number(portText), host, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : Number(portText)
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  if (json) io.stdout.write(`${JSON.stringify({ event: 'listening', url: base, scheme: name })}\n`)
  else note(io, `signet serve: verifying ${name} requests${keyIdFlag ? ` for key id ${keyIdFlag}` : ''} on ${base} (Ctrl-C to stop)`)
  await io.stopSignal()
  await new Promise<void>((resolve) => {
    server.closeAllConnections?.()
    server.close(() => resolve())
  })
  if (!json) note(io, 'signet serve: stopped')
  return EXIT.ok
}
