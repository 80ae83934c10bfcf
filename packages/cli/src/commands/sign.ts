import { isSignetError, verifyResponse, withSignedQuery, type SignResult, type SigningKey } from '@signet/core'
import { EXIT, flag, IGNORED_CURL_FLAGS, parse, parseTime, seconds, str, UsageError, type Parsed } from '../args.ts'
import { CLOCK_OPTIONS, COMMON_OPTIONS, SECRET_OPTIONS, secretSource, signingKey } from '../common.ts'
import { errorHint } from '../hints.ts'
import { HELP } from '../help.ts'
import type { Io } from '../io.ts'
import { signSpec } from '../operations.ts'
import { bodyForJson, line, note, printJson, textOf } from '../output.ts'
import { REQUEST_OPTIONS, type RequestSpec } from '../request.ts'
import { requestFromFlags } from '../request.ts'
import { buildScheme, schemeName, SCHEME_OPTIONS, SIGNS_RESPONSES, type SchemeBuild, type SchemeName } from '../schemes.ts'
import { loadSecret, redactEnvSecret } from '../secret.ts'
import { sendRequest, type Received } from '../send.ts'
import { curlCommand, displayHeaderName } from '../shell.ts'

export const SIGN_OPTIONS = {
  ...COMMON_OPTIONS,
  ...REQUEST_OPTIONS,
  ...SCHEME_OPTIONS,
  ...SECRET_OPTIONS,
  ...CLOCK_OPTIONS,
  ...IGNORED_CURL_FLAGS,
  curl: { type: 'boolean' },
  send: { type: 'boolean' },
  presign: { type: 'boolean' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
} as const

/** `--progress` / `--no-progress`, or undefined for the default (a TTY and a large body). */
export function progressChoice(p: Parsed): boolean | undefined {
  if (flag(p, 'progress') && flag(p, 'no-progress')) throw new UsageError('--progress and --no-progress are both given')
  return flag(p, 'progress') ? true : flag(p, 'no-progress') ? false : undefined
}

export function clockOf(p: Parsed): { nowMs: number | undefined; clockOffsetMs: number | undefined } {
  const now = str(p, 'now')
  const offset = seconds(p, 'clock-offset', { allowNegative: true })
  return { nowMs: now === undefined ? undefined : parseTime(now), clockOffsetMs: offset === undefined ? undefined : offset * 1000 }
}

interface ResponseCheck {
  checked: boolean
  valid?: boolean
  reason?: string
  keyId?: string
  covered?: string[]
  error?: { code: string; message: string; details: unknown }
  hint?: string
}

/** `signet sign`: prints the headers to add, a curl command (--curl), or sends the request (--send). */
export async function signCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('sign', argv, SIGN_OPTIONS, 1)
  if (flag(p, 'help')) {
    io.stdout.write(HELP.sign)
    return EXIT.ok
  }
  redactEnvSecret(io, secretSource(p))
  const json = flag(p, 'json')
  const name = schemeName(str(p, 'scheme'))
  const presign = flag(p, 'presign')
  if (presign && name !== 'sigv4') throw new UsageError('--presign applies to --scheme sigv4 only')
  if (flag(p, 'curl') && flag(p, 'send')) throw new UsageError('--curl and --send are both given', 'choose one: print a curl command, or send the request')
  const build = buildScheme(name, p, io, { purpose: 'sign', presign: presign ? {} : undefined })
  const spec = await requestFromFlags(io, p, 'sign')
  const { secret } = await loadSecret(io, secretSource(p), { textSecret: name === 'djangoHmac' })
  const key = signingKey(name, build, secret)
  const { nowMs, clockOffsetMs } = clockOf(p)
  const result = await signSpec(io, spec, { key, build, nowMs, clockOffsetMs, progress: { force: progressChoice(p) } })
  const url = result.query ? withSignedQuery(spec.url, result.query) : spec.url
  const headers: [string, string][] = [...spec.headers.filter(([n]) => !(n.toLowerCase() in result.headers)), ...Object.entries(result.headers)]

  if (spec.impliedContentType && !json) {
    note(io, `note: no Content-Type given; curl sends ${spec.impliedContentType} with -d/--data-binary, so that is what was signed (pass -H 'Content-Type: …' to choose another)`)
  }
  const curl = curlCommand({ method: spec.method, url: url.href, headers, data: spec.body?.flags ?? [] })
  if (spec.body?.kind === 'bytes' && spec.body.fromStdin && flag(p, 'curl') && !json) note(io, 'note: the body was read from stdin: pipe the same bytes into the curl command')

  if (flag(p, 'send')) return send(io, p, { name, build, spec, url, headers, result, key, json })

  if (json) {
    printJson(io, {
      ok: true,
      command: 'sign',
      scheme: name,
      keyId: key.id,
      method: spec.method,
      url: url.href,
      headers: result.headers,
      ...(result.query ? { query: result.query } : {}),
      base: result.base,
      curl,
    })
    return EXIT.ok
  }
  if (flag(p, 'curl')) line(io, curl)
  else if (result.query) line(io, url.href)
  else for (const [n, v] of Object.entries(result.headers)) line(io, `${displayHeaderName(n)}: ${v}`)
  return EXIT.ok
}

interface SendInput {
  name: SchemeName
  build: SchemeBuild
  spec: RequestSpec
  url: URL
  headers: [string, string][]
  result: SignResult
  key: SigningKey
  json: boolean
}

async function send(io: Io, p: Parsed, s: SendInput): Promise<number> {
  const { spec } = s
  const response = await sendRequest(s.url, spec.method, s.headers, spec.body)
  const bytes = response.body
  const check = await checkResponse(io, p, s, response, bytes)
  const accepted = response.status < 400 && check.valid !== false
  if (s.json) {
    const responseHeaders: Record<string, string> = {}
    for (const [k, v] of response.headers) responseHeaders[k] = responseHeaders[k] === undefined ? v : `${responseHeaders[k]}, ${v}`
    printJson(io, {
      ok: accepted,
      command: 'sign',
      scheme: s.name,
      keyId: s.key.id,
      method: spec.method,
      url: s.url.href,
      headers: s.result.headers,
      base: s.result.base,
      response: { status: response.status, statusText: response.statusText, headers: responseHeaders, ...bodyForJson(bytes), signature: check },
    })
    return accepted ? EXIT.ok : EXIT.invalid
  }
  note(io, `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`)
  if (check.checked) {
    if (check.valid) note(io, `response signature: valid (${s.name}, key ${check.keyId}${check.covered?.length ? `; covers ${check.covered.join(' ')}` : ''})`)
    else if (check.error) {
      note(io, `response signature: INVALID: ${check.error.code}: ${check.error.message}`)
      if (check.hint) note(io, `hint: ${check.hint}`)
    } else note(io, `response signature: ${check.reason}`)
  } else if (check.reason) note(io, `response signature: ${check.reason}`)
  const text = textOf(bytes)
  if (text !== undefined) io.stdout.write(text)
  else io.stdout.writeBytes(bytes)
  if (text !== undefined && response.status >= 400) {
    try {
      const parsed = JSON.parse(text) as { details?: { base?: unknown } }
      if (typeof parsed?.details?.base === 'string') {
        note(io, `\nthe server reports the base it rebuilt: save this body (> answer.json) and run\n  signet diff --server-base answer.json <the same request flags>`)
      }
    } catch {
      // not JSON
    }
  }
  return accepted ? EXIT.ok : EXIT.invalid
}

/** Verifies the response's signature, for schemes that sign responses. */
async function checkResponse(io: Io, p: Parsed, s: SendInput, response: Received, bytes: Uint8Array): Promise<ResponseCheck> {
  if (!SIGNS_RESPONSES.has(s.name)) return { checked: false, reason: `${s.name} does not sign responses` }
  const signatureHeader = s.name === 'rfc9421' ? 'signature-input' : 'x-response-content-hmac'
  if (!response.headers.some(([k]) => k === signatureHeader)) return { checked: false, reason: 'none (the server did not sign its response)' }
  const verifyBuild = buildScheme(s.name, p, io, { purpose: 'verify' })
  try {
    const verified = await verifyResponse(
      { status: response.status, headers: response.headers, body: bytes },
      {
        keys: [s.key],
        scheme: verifyBuild.scheme,
        request: { method: s.spec.method, url: s.url.href, headers: s.headers },
      },
    )
    return { checked: true, valid: true, keyId: verified.keyId, covered: verified.covered }
  } catch (err) {
    if (!isSignetError(err)) throw err
    return {
      checked: true,
      valid: false,
      error: { code: err.code, message: err.message, details: err.details },
      hint: errorHint(err.code, err.details, { scheme: s.name, nowMs: io.now() }),
    }
  }
}
