import { readFile } from 'node:fs/promises'
import { isSignetError, verifyRequest, verifyResponse, type MessageRequest, type MessageResponse, type SigningKey, type Verified } from '@signet/core'
import { EXIT, flag, parse, parseTime, seconds, str, UsageError } from '../args.ts'
import { COMMON_OPTIONS, SECRET_OPTIONS, secretSource } from '../common.ts'
import { errorHint } from '../hints.ts'
import { HELP } from '../help.ts'
import { parseCapture, requestUrl, type Capture, type CapturedRequest, type CapturedResponse } from '../http-message.ts'
import type { Io } from '../io.ts'
import { isoSeconds, line, note, printJson } from '../output.ts'
import { buildScheme, declaredAlgorithm, detectScheme, schemeName, SCHEME_OPTIONS, SIGNS_RESPONSES, type SchemeName } from '../schemes.ts'
import { loadSecret, redactEnvSecret } from '../secret.ts'

export const VERIFY_OPTIONS = {
  ...COMMON_OPTIONS,
  ...SCHEME_OPTIONS,
  ...SECRET_OPTIONS,
  request: { type: 'string' },
  body: { type: 'string' },
  'response-body': { type: 'string' },
  origin: { type: 'string' },
  now: { type: 'string' },
  'max-age': { type: 'string' },
  'clock-skew': { type: 'string' },
} as const

/** Reads a file, or stdin for `-` / no argument (when stdin is not a terminal). */
export async function readInput(io: Io, path: string | undefined, what: string, command: string): Promise<Uint8Array> {
  if (path === undefined || path === '-') {
    if (path === undefined && io.stdinIsTTY) throw new UsageError(`signet ${command}: no ${what}`, `pass a file, or pipe it into stdin (see signet ${command} --help)`)
    return io.readStdin()
  }
  try {
    return await readFile(path)
  } catch (err) {
    const code = (err as { code?: string }).code
    throw new UsageError(`cannot read ${what} ${path}${code ? ` (${code})` : ''}`, code === 'ENOENT' ? 'check the path' : undefined)
  }
}

function headerMap(pairs: readonly [string, string][]): Map<string, string[]> {
  const m = new Map<string, string[]>()
  for (const [n, v] of pairs) {
    const k = n.toLowerCase()
    m.set(k, [...(m.get(k) ?? []), v])
  }
  return m
}

export function messageRequest(captured: CapturedRequest, capture: Capture, origin: string | undefined, body?: Uint8Array): MessageRequest {
  const b = body ?? captured.body
  return { method: captured.method, url: requestUrl(captured, origin, capture.tls).href, headers: captured.headers, ...(b !== undefined ? { body: b } : {}) }
}

export function messageResponse(captured: CapturedResponse, body?: Uint8Array): MessageResponse {
  const b = body ?? captured.body
  return { status: captured.status, headers: captured.headers, ...(b !== undefined ? { body: b } : {}) }
}

interface Outcome {
  message: 'request' | 'response'
  valid: boolean
  scheme: SchemeName
  keyId?: string
  covered?: string[]
  created?: number
  expires?: number
  nonce?: string
  base?: string
  error?: { code: string; message: string; details: Record<string, unknown> }
  hint?: string
}

/** `signet verify`: is this captured request (or response) validly signed? */
export async function verifyCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('verify', argv, VERIFY_OPTIONS, 1)
  if (flag(p, 'help')) {
    io.stdout.write(HELP.verify)
    return EXIT.ok
  }
  redactEnvSecret(io, secretSource(p))
  const json = flag(p, 'json')
  const capture = parseCapture(await readInput(io, p.positionals[0], 'message', 'verify'))
  const origin = str(p, 'origin')
  let boundCapture: Capture | undefined
  const requestFile = str(p, 'request')
  if (requestFile !== undefined) {
    boundCapture = parseCapture(await readInput(io, requestFile, '--request file', 'verify'))
    if (!boundCapture.request) throw new UsageError(`--request ${requestFile} holds no request`)
    if (!capture.response) throw new UsageError('--request binds a response to its request, but the message is not a response')
  }
  const requestCapture = boundCapture ?? capture
  const captured = requestCapture.request
  const toCheck: ('request' | 'response')[] = []
  if (capture.request && !boundCapture) toCheck.push('request')
  if (capture.response) toCheck.push('response')

  const firstHeaders = headerMap((capture.request ?? capture.response)!.headers)
  const detected = detectScheme(firstHeaders) ?? (capture.response ? detectScheme(headerMap(capture.response.headers)) : undefined)
  const given = str(p, 'scheme')
  const name = schemeName(given, detected ?? 'rfc9421')
  if (given === undefined && detected && !json) note(io, `scheme: ${detected} (from the message's headers; --scheme to choose)`)
  for (const n of capture.notes) if (!json) note(io, `note: ${n}`)
  if (boundCapture) for (const n of boundCapture.notes) if (!json) note(io, `note (--request): ${n}`)

  const build = buildScheme(name, p, io, { purpose: 'verify' })
  const { secret } = await loadSecret(io, secretSource(p), { textSecret: name === 'djangoHmac' })
  const keyIdFlag = str(p, 'key-id')
  const algorithm = build.algorithm ?? declaredAlgorithm(firstHeaders)
  // With --key-id, only that id; without, whatever id the message names gets the secret.
  const keys = (id: string): SigningKey | undefined => (keyIdFlag !== undefined && id !== keyIdFlag ? undefined : { id, secret, ...(algorithm ? { algorithm } : {}) })
  const nowText = str(p, 'now')
  const nowMs = nowText === undefined ? io.now() : parseTime(nowText)
  const maxAge = seconds(p, 'max-age')
  const skew = seconds(p, 'clock-skew')
  const verifyOptions = {
    keys,
    scheme: build.scheme,
    now: () => nowMs,
    ...(maxAge !== undefined ? { maxAgeSeconds: maxAge } : {}),
    ...(skew !== undefined ? { clockSkewSeconds: skew } : {}),
  }
  if (maxAge !== undefined && name !== 'rfc9421' && name !== 'sigv4') note(io, `note: ${name} has its own time window; --max-age does not apply (use --window)`)

  const bodyFile = str(p, 'body')
  const requestBody = bodyFile === undefined ? undefined : await readInput(io, bodyFile, '--body file', 'verify')
  const responseBodyFile = str(p, 'response-body')
  const responseBody = responseBodyFile === undefined ? undefined : await readInput(io, responseBodyFile, '--response-body file', 'verify')
  const request = captured ? messageRequest(captured, requestCapture, origin, requestBody) : undefined
  if (toCheck.includes('request') && captured?.bodyMissing && requestBody === undefined && build.scheme.requestBody !== 'none') {
    throw new UsageError('the capture does not contain the request body (curl -v never shows it), and this scheme signs the body', 'pass the exact bytes that were sent with --body FILE')
  }

  const outcomes: Outcome[] = []
  const hintCtx = { scheme: name, detected, keyIdFlag, nowMs, fromCurlVerbose: requestCapture.format === 'curl-verbose' && requestBody === undefined, nowGiven: nowText !== undefined }
  for (const which of toCheck) {
    if (which === 'response' && !SIGNS_RESPONSES.has(name)) {
      if (!json) note(io, `note: ${name} does not sign responses; the response is not checked`)
      continue
    }
    if (which === 'response' && toCheck.length > 1) {
      const responseHeaders = headerMap(capture.response!.headers)
      const signedResponse = name === 'rfc9421' ? responseHeaders.has('signature-input') || responseHeaders.has('signature') : responseHeaders.has('x-response-content-hmac')
      if (!signedResponse) {
        if (!json) note(io, 'note: the response is not signed; only the request is checked')
        continue
      }
    }
    if (which === 'response' && capture.response!.bodyMissing && responseBody === undefined && build.scheme.responseBody !== 'none') {
      if (toCheck.length === 1) throw new UsageError('the capture does not contain the response body, and this scheme signs it', 'save the body with curl -o FILE and pass --response-body FILE')
      if (!json) note(io, 'note: the response is not checked: the capture does not contain its body (save it with curl -o FILE and pass --response-body FILE)')
      continue
    }
    try {
      let verified: Verified
      if (which === 'request') verified = await verifyRequest(request!, verifyOptions)
      else verified = await verifyResponse(messageResponse(capture.response!, responseBody), { ...verifyOptions, ...(request ? { request: { method: request.method, url: request.url, headers: request.headers } } : {}) })
      outcomes.push({
        message: which,
        valid: true,
        scheme: name,
        keyId: verified.keyId,
        covered: verified.covered,
        ...(verified.created !== undefined ? { created: verified.created } : {}),
        ...(verified.expires !== undefined ? { expires: verified.expires } : {}),
        ...(verified.nonce !== undefined ? { nonce: verified.nonce } : {}),
        base: verified.base,
      })
    } catch (err) {
      if (!isSignetError(err)) throw err
      let hint = errorHint(err.code, err.details, hintCtx)
      if (err.code === 'invalid_input' && /pass the request|\(;req\)/.test(err.message)) hint = 'the response is bound to its request: pass the request with --request FILE (or a curl -v capture that has both)'
      const base = typeof err.details.base === 'string' ? err.details.base : undefined
      outcomes.push({ message: which, valid: false, scheme: name, error: { code: err.code, message: err.message, details: err.details }, ...(hint ? { hint } : {}), ...(base ? { base } : {}) })
    }
  }
  if (outcomes.length === 0) throw new UsageError('nothing to verify', `${name} does not sign responses; pass a request`)
  const allValid = outcomes.every((o) => o.valid)
  if (json) {
    printJson(io, { ok: allValid, command: 'verify', scheme: name, results: outcomes })
    return allValid ? EXIT.ok : EXIT.invalid
  }
  for (const o of outcomes) {
    if (o.valid) {
      line(io, `${o.message}: valid (${o.scheme}, key ${o.keyId})`)
      if (o.covered?.length) line(io, `  covered: ${o.covered.join(' ')}`)
      if (o.created !== undefined) line(io, `  created: ${isoSeconds(o.created)} (${Math.round(nowMs / 1000 - o.created)} s before the verification time)`)
      if (o.expires !== undefined) line(io, `  expires: ${isoSeconds(o.expires)}`)
    } else {
      line(io, `${o.message}: INVALID: ${o.error!.code}`)
      line(io, `  reason: ${o.error!.message}`)
      if (o.hint) line(io, `  hint: ${o.hint}`)
      if (o.base) {
        line(io, `  the base this verifier rebuilt (compare it with the signer's: signet diff):`)
        for (const l of o.base.split('\n')) line(io, `    ${l}`)
      }
    }
  }
  return allValid ? EXIT.ok : EXIT.invalid
}
