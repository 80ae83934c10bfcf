import { fileBlob } from '../body-file.ts'
import { EXIT, flag, IGNORED_CURL_FLAGS, parse, str, UsageError, type Parsed } from '../args.ts'
import { printable, segmentBase, separatorOf, type BaseContext, type Segment } from '../base-view.ts'
import { CLOCK_OPTIONS, COMMON_OPTIONS } from '../common.ts'
import { errorHint } from '../hints.ts'
import { HELP } from '../help.ts'
import { parseCapture, type Capture } from '../http-message.ts'
import type { Io } from '../io.ts'
import { rebuildBase, signSpec, STAND_IN_SECRET } from '../operations.ts'
import { line, note, pad, printJson } from '../output.ts'
import { bodySize, hasRequestFlags, REQUEST_OPTIONS, requestFromFlags, type RequestSpec } from '../request.ts'
import { buildScheme, detectScheme, schemeName, SCHEME_OPTIONS, type SchemeBuild, type SchemeName } from '../schemes.ts'
import { clockOf, progressChoice } from './sign.ts'
import { messageRequest, messageResponse, readInput } from './verify.ts'

export const EXPLAIN_OPTIONS = {
  ...COMMON_OPTIONS,
  ...REQUEST_OPTIONS,
  ...SCHEME_OPTIONS,
  ...CLOCK_OPTIONS,
  ...IGNORED_CURL_FLAGS,
  message: { type: 'string' },
  response: { type: 'boolean' },
  origin: { type: 'string' },
  raw: { type: 'boolean' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
} as const

/** The key id to show in bases built without a real key. */
const PLACEHOLDER_KEY_ID = 'key-id'

export interface Explained {
  scheme: SchemeName
  mode: 'signer' | 'verifier'
  base: string
  segments: Segment[]
  context: BaseContext
  /** What was explained, for the heading: `POST http://…/orders`. */
  subject: string
}

function lowerHeaders(pairs: readonly (readonly [string, string])[]): Map<string, string[]> {
  const m = new Map<string, string[]>()
  for (const [n, v] of pairs) {
    const k = n.toLowerCase()
    m.set(k, [...(m.get(k) ?? []), v])
  }
  return m
}

function contextFor(name: SchemeName, p: Parsed, mode: 'signer' | 'verifier', fields: Pick<BaseContext, 'headers' | 'added' | 'impliedContentType' | 'url' | 'explicitMethod' | 'bodySize' | 'bodyLabel'>): BaseContext {
  const pipe = str(p, 'signed-headers')
  return {
    scheme: name,
    mode,
    ...fields,
    service: str(p, 'service'),
    pipeHeaders: pipe === undefined ? undefined : pipe.split(',').map((h) => h.trim()).filter(Boolean),
    bound: flag(p, 'bound'),
  }
}

/** The signer's base for the request the flags describe, signed with a stand-in key (no secret needed). */
export async function explainSigned(io: Io, p: Parsed, name: SchemeName, build: SchemeBuild, spec: RequestSpec, at?: { nowMs?: number }): Promise<Explained> {
  const clock = clockOf(p)
  const key = { id: build.keyId ?? PLACEHOLDER_KEY_ID, secret: STAND_IN_SECRET, ...(build.algorithm ? { algorithm: build.algorithm } : {}) }
  const result = await signSpec(io, spec, { key, build, nowMs: at?.nowMs ?? clock.nowMs, clockOffsetMs: clock.clockOffsetMs, progress: { force: progressChoice(p) } })
  const headers = lowerHeaders([...spec.headers, ...Object.entries(result.headers)])
  const context = contextFor(name, p, 'signer', {
    headers,
    added: new Set(Object.keys(result.headers)),
    impliedContentType: spec.impliedContentType !== undefined,
    url: spec.url,
    explicitMethod: str(p, 'request') !== undefined,
    bodySize: spec.body ? bodySize(spec) : undefined,
    bodyLabel: spec.bodyLabel,
  })
  return { scheme: name, mode: 'signer', base: result.base, segments: segmentBase(result.base, context), context, subject: `${spec.method} ${spec.url.href}` }
}

/** The verifier's base for a captured message (request, or response with --response). */
export async function explainCaptured(io: Io, p: Parsed, capture: Capture, given: SchemeName | undefined, wantResponse: boolean): Promise<Explained> {
  const origin = str(p, 'origin')
  const captured = wantResponse ? capture.response : capture.request
  if (!captured) throw new UsageError(`the capture holds no ${wantResponse ? 'response' : 'request'}`, wantResponse ? undefined : 'pass --response to explain the response')
  const name = given ?? detectScheme(lowerHeaders(captured.headers)) ?? 'rfc9421'
  const build = buildScheme(name, p, io, { purpose: 'rebuild' })
  const request = capture.request ? messageRequest(capture.request, capture, origin) : undefined
  const rebuilt = await rebuildBase(
    name,
    build,
    wantResponse ? { kind: 'response', response: messageResponse(capture.response!), request } : { kind: 'request', request: request! },
    io.now(),
  )
  if (rebuilt.base === undefined) {
    const e = rebuilt.error!
    if (e.code === 'missing_signature' && !wantResponse) {
      // Not signed (yet): explain what a signer builds for this request.
      const spec: RequestSpec = {
        method: capture.request!.method,
        url: new URL(String(request!.url)),
        headers: capture.request!.headers,
        body: capture.request!.body ? { kind: 'bytes', bytes: capture.request!.body, flags: [], fromStdin: false } : undefined,
        impliedContentType: undefined,
        bodyLabel: 'from the capture',
      }
      const signer = buildScheme(name, p, io, { purpose: 'sign', placeholderKeyId: PLACEHOLDER_KEY_ID })
      const explained = await explainSigned(io, p, name, signer, spec)
      explained.context.headersFromCapture = true
      return { ...explained, segments: segmentBase(explained.base, explained.context), subject: `${explained.subject} (captured, not signed yet)` }
    }
    const hint = errorHint(e.code, e.details, { scheme: name, detected: detectScheme(lowerHeaders(captured.headers)), nowMs: io.now() })
    throw new UsageError(`cannot rebuild the base: ${e.code}: ${e.message}`, hint)
  }
  const body = wantResponse ? capture.response!.body : capture.request!.body
  const context = contextFor(name, p, 'verifier', {
    headers: lowerHeaders(captured.headers),
    added: new Set(),
    impliedContentType: false,
    url: request ? new URL(String(request.url)) : undefined,
    explicitMethod: false,
    bodySize: body?.byteLength,
    bodyLabel: undefined,
  })
  const subject = wantResponse ? `the response (${capture.response!.status})` : `${capture.request!.method} ${String(request!.url)}`
  return { scheme: name, mode: 'verifier', base: rebuilt.base, segments: segmentBase(rebuilt.base, context), context, subject }
}

/** Whether the request the flags describe already carries a signature (a sent request pasted back). */
export function carriesSignature(spec: RequestSpec): boolean {
  return detectScheme(lowerHeaders(spec.headers)) !== undefined || spec.url.searchParams.has('X-Amz-Signature')
}

/** The verifier's base for a request given as flags that already carries its signature headers. */
export async function explainSentSpec(io: Io, p: Parsed, given: SchemeName | undefined, spec: RequestSpec): Promise<Explained> {
  const headers = lowerHeaders(spec.headers)
  const name = given ?? detectScheme(headers) ?? (spec.url.searchParams.has('X-Amz-Signature') ? 'sigv4' : 'rfc9421')
  const build = buildScheme(name, p, io, { purpose: 'rebuild' })
  const body = spec.body?.kind === 'file' ? await fileBlob(spec.body.path) : spec.body?.bytes
  const rebuilt = await rebuildBase(name, build, { kind: 'request', request: { method: spec.method, url: spec.url.href, headers: spec.headers, ...(body !== undefined ? { body } : {}) } }, io.now())
  if (rebuilt.base === undefined) {
    const e = rebuilt.error!
    throw new UsageError(`cannot rebuild the base of this signed request: ${e.code}: ${e.message}`, errorHint(e.code, e.details, { scheme: name, detected: detectScheme(headers), nowMs: io.now() }))
  }
  const context = contextFor(name, p, 'verifier', {
    headers,
    added: new Set(),
    impliedContentType: spec.impliedContentType !== undefined,
    url: spec.url,
    explicitMethod: str(p, 'request') !== undefined,
    bodySize: spec.body ? bodySize(spec) : undefined,
    bodyLabel: spec.bodyLabel,
  })
  return { scheme: name, mode: 'verifier', base: rebuilt.base, segments: segmentBase(rebuilt.base, context), context, subject: `${spec.method} ${spec.url.href} as sent (with its signature headers)` }
}

/** Human rendering: one row per component, its text, then where it comes from. */
export function renderExplained(e: Explained): string {
  const bytes = new TextEncoder().encode(e.base).byteLength
  const sep = separatorOf(e.scheme, e.context.bound)
  const what = e.scheme === 'rfc9421' ? 'signature base' : e.scheme === 'sigv4' ? 'canonical request and string to sign' : 'string to sign'
  const out: string[] = [
    `${e.scheme} ${what} ${e.mode === 'signer' ? 'the signer builds for' : 'a verifier rebuilds from'} ${e.subject}`,
    `(${bytes} bytes${sep === '\n' ? `, ${e.base.split('\n').length} lines` : sep ? `, parts joined with ${JSON.stringify(sep)}` : ''}${e.base.includes('<secret>') ? '; the secret is shown as <secret>' : ''})`,
    '',
  ]
  const rows = e.segments.map((s) => {
    const text = s.text === '' ? '(empty)' : printable(s.text, s.component === 'body' || s.component === 'string to sign' ? 200 : 1000)
    return sep === '\n' ? text : `${s.component}: ${text}`
  })
  const width = Math.min(60, Math.max(...rows.map((t) => [...t].length)))
  e.segments.forEach((s, i) => {
    const row = rows[i]!
    if ([...row].length > width + 8) out.push(`  ${row}`, `  ${' '.repeat(8)}  ← ${s.origin}`)
    else out.push(`  ${pad(row, width)}  ← ${s.origin}`)
  })
  return `${out.join('\n')}\n`
}

/** `signet explain`: the exact base Signet builds for a request under a scheme, component by component. */
export async function explainCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('explain', argv, EXPLAIN_OPTIONS, 1)
  if (flag(p, 'help')) {
    io.stdout.write(HELP.explain)
    return EXIT.ok
  }
  const json = flag(p, 'json')
  const messageFile = str(p, 'message')
  let explained: Explained
  if (messageFile !== undefined) {
    if (hasRequestFlags(p)) throw new UsageError('--message and request flags are both given', 'explain either a captured message (--message FILE) or a request described with flags')
    const given = str(p, 'scheme')
    const capture = parseCapture(await readInput(io, messageFile, 'message', 'explain'))
    for (const n of capture.notes) if (!json) note(io, `note: ${n}`)
    explained = await explainCaptured(io, p, capture, given === undefined ? undefined : schemeName(given), flag(p, 'response'))
  } else {
    if (flag(p, 'response')) throw new UsageError('--response applies to --message')
    const given = str(p, 'scheme')
    const spec = await requestFromFlags(io, p, 'explain')
    if (carriesSignature(spec)) {
      if (!json) note(io, 'note: the request already carries a signature: explaining the base a verifier rebuilds from it')
      explained = await explainSentSpec(io, p, given === undefined ? undefined : schemeName(given), spec)
    } else {
      const name = schemeName(given)
      const build = buildScheme(name, p, io, { purpose: 'sign', placeholderKeyId: PLACEHOLDER_KEY_ID })
      explained = await explainSigned(io, p, name, build, spec)
    }
  }
  if (flag(p, 'raw')) {
    io.stdout.write(explained.base)
    return EXIT.ok
  }
  if (json) {
    printJson(io, {
      ok: true,
      command: 'explain',
      scheme: explained.scheme,
      mode: explained.mode,
      subject: explained.subject,
      base: explained.base,
      components: explained.segments.map((s) => ({ component: s.component, text: s.text, origin: s.origin, line: s.line, start: s.start, end: s.end })),
    })
    return EXIT.ok
  }
  io.stdout.write(renderExplained(explained))
  line(io)
  line(io, `exact bytes: add --raw (for signet diff --base), or --json for scripts`)
  return EXIT.ok
}
