import { aspnetEnUsTimestamp, splitSigV4Base, type Rfc9421Options } from '@signet/core'
import { EXIT, flag, IGNORED_CURL_FLAGS, parse, parseTime, str, UsageError, type Parsed } from '../args.ts'
import { parseComponentLine, parseSignatureParams, printable, segmentBase } from '../base-view.ts'
import { fileBlob } from '../body-file.ts'
import { CLOCK_OPTIONS, COMMON_OPTIONS } from '../common.ts'
import {
  componentDifferences,
  describeByte,
  differenceHint,
  digest,
  firstDifference,
  identicalHint,
  matchBodyTransform,
  parseDigestValue,
  parseServerReport,
  schemeOfBase,
  segmentAt,
  type ComponentDifference,
  type FirstDifference,
} from '../diff.ts'
import { errorHint } from '../hints.ts'
import { HELP } from '../help.ts'
import { parseCapture } from '../http-message.ts'
import type { Io } from '../io.ts'
import { line, note, printJson } from '../output.ts'
import { hasRequestFlags, REQUEST_OPTIONS, requestFromFlags, type RequestSpec } from '../request.ts'
import { buildScheme, detectScheme, schemeName, SCHEME_OPTIONS, type SchemeName } from '../schemes.ts'
import { carriesSignature, explainCaptured, explainSentSpec, explainSigned, type Explained } from './explain.ts'
import { readInput } from './verify.ts'

export const DIFF_OPTIONS = {
  ...COMMON_OPTIONS,
  ...REQUEST_OPTIONS,
  ...SCHEME_OPTIONS,
  ...CLOCK_OPTIONS,
  ...IGNORED_CURL_FLAGS,
  'server-base': { type: 'string' },
  base: { type: 'string' },
  message: { type: 'string' },
  origin: { type: 'string' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
} as const

const decoder = new TextDecoder()

/** A Parsed with some values filled in (the server's region, nonce…) where the user gave none. */
function overlay(p: Parsed, values: Record<string, string | undefined>): Parsed {
  const merged = { ...p.values }
  for (const [k, v] of Object.entries(values)) if (v !== undefined && merged[k] === undefined) merged[k] = v
  return { ...p, values: merged }
}

interface ServerParameters {
  nowMs: number | undefined
  values: Record<string, string | undefined>
  rfc9421?: Rfc9421Options
  keyId?: string
  nonce?: string
  algorithm?: 'sha256' | 'sha384' | 'sha512'
  presign?: { expiresInSeconds?: number }
  notes: string[]
}

/**
 * What the request was signed with, read back from the server's base: rfc9421 parameters
 * (components, created, nonce, keyid…), the SigV4 date and scope, the custom schemes' timestamps.
 * Signing the flags' request with them gives the signer's base for exactly that signature.
 */
function serverParameters(name: SchemeName, base: string): ServerParameters {
  const notes: string[] = []
  const out: ServerParameters = { nowMs: undefined, values: {}, notes }
  switch (name) {
    case 'rfc9421': {
      const last = base.split('\n').pop() ?? ''
      const c = parseComponentLine(last)
      const sp = c && c.name === '@signature-params' ? parseSignatureParams(c.value) : undefined
      if (!sp) {
        notes.push("the server's base has no @signature-params line: the request is signed with the default parameters")
        return out
      }
      const created = sp.params.get('created')
      const expires = sp.params.get('expires')
      const digestLine = base.split('\n').find((l) => l.startsWith('"content-digest": '))
      const opts: Rfc9421Options = {
        components: sp.components,
        nonce: sp.params.has('nonce'),
        alg: sp.params.has('alg'),
        contentDigest: digestLine?.includes('sha-512=') ? 'sha-512' : 'sha-256',
      }
      const tag = sp.params.get('tag')
      if (typeof tag === 'string') opts.tag = tag
      if (typeof expires === 'number' && typeof created === 'number' && expires > created) opts.expiresInSeconds = expires - created
      out.rfc9421 = opts
      if (typeof created === 'number') out.nowMs = created * 1000
      const keyId = sp.params.get('keyid')
      if (typeof keyId === 'string') out.keyId = keyId
      const nonce = sp.params.get('nonce')
      if (typeof nonce === 'string') out.nonce = nonce
      const alg = sp.params.get('alg')
      if (typeof alg === 'string' && /^hmac-sha(256|384|512)$/.test(alg)) out.algorithm = alg.slice(5) as ServerParameters['algorithm']
      return out
    }
    case 'sigv4': {
      let parts: { canonicalRequest: string; stringToSign: string }
      try {
        parts = splitSigV4Base(base)
      } catch {
        notes.push("the server's base is not a canonical request and string to sign: signing at the current time")
        return out
      }
      const [, amzDate, scope] = parts.stringToSign.split('\n')
      const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate ?? '')
      if (m) out.nowMs = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
      const [, region, service] = (scope ?? '').split('/')
      out.values.region = region
      out.values.service = service
      const query = parts.canonicalRequest.split('\n')[2] ?? ''
      if (/(^|&)X-Amz-Credential=/.test(query)) {
        const exp = /(?:^|&)X-Amz-Expires=(\d+)/.exec(query)
        out.presign = exp ? { expiresInSeconds: Number(exp[1]) } : {}
      }
      return out
    }
    case 'pipeCanonical': {
      const m = /(?:^|\|)x-request-timestamp:(\d+)(?:\||$)/i.exec(base)
      if (m) out.nowMs = Number(m[1]) * 1000
      break
    }
    case 'authorizationContentHmac': {
      const m = /(\d{10})<secret>$/.exec(base)
      if (m) out.nowMs = Number(m[1]) * 1000
      break
    }
    case 'djangoHmac': {
      const ms = Date.parse(base.slice(base.lastIndexOf(';') + 1))
      // djangoHmac signs a date 1 s (backdateMs) before its clock.
      if (!Number.isNaN(ms)) out.nowMs = ms + 1000
      break
    }
    case 'aspnetWebApiHmac': {
      const ms = aspnetEnUsTimestamp.parse(base.split('\n')[1] ?? '')
      if (ms !== undefined) out.nowMs = ms
      break
    }
    case 'bodyNonceHmac': {
      const m = /^(\d+)\.([^.]*)\./.exec(base)
      if (m) {
        out.nowMs = Number(m[1]) * 1000
        out.nonce = m[2]
        out.values.nonce = m[2]
      }
      break
    }
  }
  return out
}

interface OurSide {
  explained: Explained | undefined
  base: string
  source: 'base-file' | 'captured-message' | 'sent-request' | 'signed-with-server-parameters'
  notes: string[]
}

function normalizeBase(base: string, name: SchemeName, whose: string, notes: string[]): string {
  let b = base
  if (b.includes('\r\n')) {
    b = b.replace(/\r\n/g, '\n')
    notes.push(`${whose} base had CRLF line ends (a copy artifact: bases never contain CR); compared with LF`)
  }
  if ((name === 'rfc9421' || name === 'sigv4') && b.endsWith('\n')) {
    b = b.replace(/\n+$/, '')
    notes.push(`ignored the newline at the end of ${whose} base (${name} bases never end with one)`)
  }
  return b
}

async function ourSide(io: Io, p: Parsed, name: SchemeName, given: boolean, serverBase: string, spec: RequestSpec | undefined): Promise<OurSide> {
  const notes: string[] = []
  const baseFile = str(p, 'base')
  const messageFile = str(p, 'message')
  if ([baseFile !== undefined, messageFile !== undefined, spec !== undefined].filter(Boolean).length > 1) {
    throw new UsageError('give the signer\'s side once: --base FILE, --message FILE, or the request flags')
  }
  if (baseFile !== undefined) {
    const base = normalizeBase(decoder.decode(await readInput(io, baseFile, '--base file', 'diff')), name, 'your', notes)
    return { explained: undefined, base, source: 'base-file', notes }
  }
  if (messageFile !== undefined) {
    const capture = parseCapture(await readInput(io, messageFile, '--message file', 'diff'))
    notes.push(...capture.notes)
    const explained = await explainCaptured(io, p, capture, given ? name : undefined, false)
    return { explained, base: explained.base, source: 'captured-message', notes }
  }
  if (!spec) throw new UsageError('signet diff: no request to compare with', "describe the request as for signet sign (…flags… URL), or pass the signer's base with --base FILE")
  if (carriesSignature(spec)) {
    const explained = await explainSentSpec(io, p, given ? name : undefined, spec)
    return { explained, base: explained.base, source: 'sent-request', notes }
  }
  const sp = serverParameters(name, serverBase)
  notes.push(...sp.notes)
  const nowGiven = str(p, 'now')
  const nowMs = nowGiven !== undefined ? parseTime(nowGiven) : sp.nowMs
  if (nowMs === undefined && name !== 'bodyNonceHmac') notes.push("could not read the signing time from the server's base: timestamps will differ (pass --now)")
  const q = overlay(p, sp.values)
  if (name === 'rfc9421' && sp.keyId !== undefined && str(p, 'key-id') !== undefined && str(p, 'key-id') !== sp.keyId) {
    notes.push(`the server's base names key id ${JSON.stringify(sp.keyId)}, not --key-id ${str(p, 'key-id')}: using the server's`)
  }
  const build = buildScheme(name, q, io, {
    purpose: 'sign',
    placeholderKeyId: sp.keyId ?? 'key-id',
    ...(sp.rfc9421 ? { rfc9421: sp.rfc9421 } : {}),
    ...(sp.presign ? { presign: sp.presign } : {}),
  })
  if (name === 'rfc9421') {
    if (sp.keyId !== undefined) build.keyId = sp.keyId
    build.nonce = sp.nonce
    if (sp.algorithm) build.algorithm = sp.algorithm
  }
  const explained = await explainSigned(io, q, name, build, spec, nowMs !== undefined ? { nowMs } : {})
  return { explained, base: explained.base, source: 'signed-with-server-parameters', notes }
}

const SOURCE_TEXT: Record<OurSide['source'], string> = {
  'base-file': 'your base: from --base',
  'captured-message': 'your base: rebuilt from the captured message',
  'sent-request': 'your base: rebuilt from the request flags and the signature headers they carry',
  'signed-with-server-parameters': "your base: the request flags signed with the server's signature parameters",
}

/** Caret under the differing character, with the same escaping as the displayed line. */
function caretLine(lineText: string, charOffset: number, prefixWidth: number): string {
  return `${' '.repeat(prefixWidth + [...printable(lineText.slice(0, charOffset), 10_000)].length)}^`
}

/** A window of a long line around the difference. */
function around(text: string, at: number): { text: string; at: number } {
  if (text.length <= 100) return { text, at }
  const start = Math.max(0, at - 40)
  const end = Math.min(text.length, start + 90)
  return { text: `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`, at: at - start + (start > 0 ? 1 : 0) }
}

function bodyBytesOf(spec: RequestSpec | undefined): Promise<Uint8Array | undefined> {
  if (!spec?.body) return Promise.resolve(undefined)
  if (spec.body.kind === 'bytes') return Promise.resolve(spec.body.bytes)
  if (spec.body.size > 256 * 1024 * 1024) throw new UsageError('the body is over 256 MiB: too large to search for what changed it', 'compare digests with signet explain instead')
  return fileBlob(spec.body.path).then(async (b) => new Uint8Array(await b.arrayBuffer()))
}

/** The server hashed another body than the one signed (digest_mismatch): which usual change explains it? */
async function bodyDiff(io: Io, p: Parsed, json: boolean, details: Record<string, unknown>, spec: RequestSpec | undefined): Promise<number> {
  const expected = typeof details.expected === 'string' ? parseDigestValue(details.expected) : undefined
  const received = typeof details.received === 'string' ? parseDigestValue(details.received) : undefined
  if (!received) throw new UsageError('the server reports digest_mismatch but not the digest it computed (details.received)')
  const body = await bodyBytesOf(spec)
  if (body === undefined && !str(p, 'message')) throw new UsageError('the server reports that the body changed: pass the request with its body (-d/--data-binary, as for signet sign) to find out how')
  const ours = body ? digest(received.algorithm, body) : undefined
  const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b))
  const same = (a: Uint8Array | undefined, b: Uint8Array | undefined) => a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i])
  let finding: string
  let match: ReturnType<typeof matchBodyTransform>
  if (expected && !same(ours, expected.bytes)) {
    finding = "the digest the request carried is not the digest of the body given here: the request was signed over other bytes than these (pass the body exactly as it was signed)"
  } else if (same(ours, received.bytes)) {
    finding = 'the server hashed exactly the body given here: the request carried a Content-Digest computed over other bytes'
  } else if (body && (match = matchBodyTransform(body, received.algorithm, received.bytes))) {
    finding = `the server received ${match.transform.description} (${match.bytes.byteLength} bytes instead of ${body.byteLength})`
  } else {
    finding = 'the server received a body that none of the usual changes of yours produce (compression, a rewriting proxy, another file?)'
  }
  if (json) {
    printJson(io, {
      ok: true,
      command: 'diff',
      kind: 'body',
      identical: false,
      signedDigest: details.expected,
      serverDigest: details.received,
      bodyDigest: ours ? `${received.label}=:${b64(ours)}:` : undefined,
      bodySize: body?.byteLength,
      change: match ? { name: match.transform.name, description: match.transform.description, size: match.bytes.byteLength } : undefined,
      finding,
    })
    return EXIT.invalid
  }
  line(io, 'signet diff: the server received another body than the one signed (digest_mismatch)')
  line(io, `  signed:   ${String(details.expected ?? '?')}${body ? ` (${body.byteLength} bytes)` : ''}`)
  line(io, `  received: ${String(details.received)}`)
  line(io)
  line(io, `finding: ${finding}`)
  return EXIT.invalid
}

/** `signet diff`: where the signer's base and the server's first differ, and why that usually happens. */
export async function diffCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('diff', argv, DIFF_OPTIONS, 1)
  if (flag(p, 'help')) {
    io.stdout.write(HELP.diff)
    return EXIT.ok
  }
  const json = flag(p, 'json')
  const serverFile = str(p, 'server-base')
  if (serverFile === undefined && io.stdinIsTTY) throw new UsageError('signet diff: no server base', "pass what the server reported with --server-base FILE (its error body, or the base it logged), or pipe it into stdin")
  const reportText = decoder.decode(await readInput(io, serverFile ?? '-', 'server base', 'diff'))
  if (reportText.trim() === '') throw new UsageError(`the server report${serverFile && serverFile !== '-' ? ` ${serverFile}` : ' (stdin)'} is empty`, "pass what the server reported: its error body (with details.base) or the base it logged")
  const report = parseServerReport(reportText)
  const spec = hasRequestFlags(p) ? await requestFromFlags(io, p, 'diff') : undefined
  const given = str(p, 'scheme')
  const detected = (report.base !== undefined ? schemeOfBase(report.base) : undefined) ?? (spec ? detectScheme(new Map(spec.headers.map(([n, v]) => [n.toLowerCase(), [v]]))) : undefined)
  const name = schemeName(given, detected ?? 'rfc9421')
  const notes: string[] = []

  if (report.base === undefined) {
    const details = report.details ?? {}
    if (report.code === 'digest_mismatch' || details.component === 'content-digest' || details.component === 'x-amz-content-sha256') return bodyDiff(io, p, json, details, spec)
    if (report.code !== undefined) {
      const hint = errorHint(report.code, details, { scheme: name, nowMs: io.now() })
      if (json) printJson(io, { ok: true, command: 'diff', kind: 'error', identical: false, code: report.code, message: report.message, hint })
      else {
        line(io, `signet diff: the server refused the request with ${report.code}${report.message ? `: ${report.message}` : ''}`)
        line(io, '  it reports no base, so there is nothing to compare')
        if (hint) line(io, `hint: ${hint}`)
      }
      return EXIT.invalid
    }
    throw new UsageError('the server report holds no base', 'pass the base the server rebuilt (as text), or its JSON error body with details.base')
  }
  const serverBase = normalizeBase(report.base, name, "the server's", notes)
  const ours = await ourSide(io, p, name, given !== undefined, serverBase, spec)
  notes.push(...ours.notes)
  const segments = ours.explained?.segments ?? segmentBase(ours.base, { scheme: name, mode: 'signer', headers: new Map(), added: new Set(), impliedContentType: false, url: undefined, explicitMethod: false, bodySize: undefined, bodyLabel: undefined })
  const first = firstDifference(ours.base, serverBase)
  const serverKeyId = name === 'rfc9421' ? (() => {
    const last = parseComponentLine(serverBase.split('\n').pop() ?? '')
    const k = last ? parseSignatureParams(last.value)?.params.get('keyid') : undefined
    return typeof k === 'string' ? k : undefined
  })() : undefined

  if (!first) {
    const hint = identicalHint(serverKeyId)
    if (json) printJson(io, { ok: true, command: 'diff', scheme: name, identical: true, source: ours.source, ours: ours.base, server: serverBase, differences: [], hints: [hint], notes })
    else {
      for (const n of notes) note(io, `note: ${n}`)
      line(io, `signet diff: the bases are identical (${new TextEncoder().encode(ours.base).byteLength} bytes; ${SOURCE_TEXT[ours.source]})`)
      line(io, `hint: ${hint}`)
    }
    return EXIT.ok
  }
  const seg = segmentAt(segments, first.charOffset)
  const component = seg?.component ?? `line ${first.line}`
  const serverComponent = name === 'rfc9421' ? parseComponentLine(first.server.line)?.id : undefined
  const differences = componentDifferences(name, ours.base, serverBase, segments)
  const hint = differenceHint({
    scheme: name,
    component,
    serverComponent,
    ours: name === 'rfc9421' || name === 'sigv4' || name === 'aspnetWebApiHmac' ? first.ours.line : seg ? ours.base.slice(seg.start, seg.end) : ours.base,
    server:
      name === 'rfc9421' || name === 'sigv4' || name === 'aspnetWebApiHmac'
        ? first.server.byte === undefined && first.server.line === '' && first.column === 1
          ? undefined
          : first.server.line
        : seg
          ? serverBase.slice(seg.start, serverBase.length - (ours.base.length - seg.end))
          : serverBase,
  })
  if (json) {
    printJson(io, {
      ok: true,
      command: 'diff',
      scheme: name,
      identical: false,
      source: ours.source,
      first: {
        component,
        serverComponent,
        line: first.line,
        column: first.column,
        byteOffset: first.byteOffset,
        ours: { line: first.ours.line, byte: describeByte(first.ours.byte) },
        server: { line: first.server.line, byte: describeByte(first.server.byte) },
      },
      differences,
      hints: [hint],
      notes,
      ours: ours.base,
      server: serverBase,
    })
    return EXIT.invalid
  }
  for (const n of notes) note(io, `note: ${n}`)
  io.stdout.write(renderDiff(name, ours.source, component, serverComponent, first, differences, hint))
  return EXIT.invalid
}

export function renderDiff(name: SchemeName, source: OurSide['source'], component: string, serverComponent: string | undefined, first: FirstDifference, differences: readonly ComponentDifference[], hint: string): string {
  const out: string[] = [`signet diff: the bases differ (${name}; ${SOURCE_TEXT[source]})`, '']
  out.push(`first difference: line ${first.line}, column ${first.column} (byte ${first.byteOffset + 1}), in ${component}${serverComponent && serverComponent !== component ? ` (the server's line is ${serverComponent})` : ''}`)
  const a = around(first.ours.line, first.lineCharOffset)
  const b = around(first.server.line, first.lineCharOffset)
  out.push(`  yours:  ${printable(a.text, 10_000)}`, `  server: ${printable(b.text, 10_000)}`, caretLine(a.text, a.at, 10))
  out.push(`  bytes:  ${describeByte(first.ours.byte)} in yours, ${describeByte(first.server.byte)} in the server's`)
  if (differences.length > 0) {
    out.push('', `differing components (${differences.length}):`)
    for (const d of differences.slice(0, 12)) {
      out.push(`  ${d.component}`)
      out.push(`      yours:  ${d.ours === undefined ? '(absent)' : printable(d.ours, 120)}`)
      out.push(`      server: ${d.server === undefined ? '(absent)' : printable(d.server, 120)}`)
    }
    if (differences.length > 12) out.push(`  … and ${differences.length - 12} more (--json lists them all)`)
  }
  out.push('', `hint: ${hint}`)
  return `${out.join('\n')}\n`
}
