import { readFile, stat } from 'node:fs/promises'
import { list, str, UsageError, type OptionDefs, type Parsed } from './args.ts'
import { concatBytes, type Io } from './io.ts'

/**
 * A request described the way curl users write it: `-X`, `-H 'Name: value'` (repeatable,
 * `-H @file` reads one header per line), `-d`, `--data-binary`, `--data-raw`, and the URL
 * (`--url` or positional). The data flags behave as curl's, so that what signet signs is what
 * curl sends:
 *
 * - `-d text` / `--data-raw text`: the text; `-d @file`: the file with CR and LF removed (curl
 *   strips them); `--data-binary @file`: the file unchanged; `@-` is stdin. Several are joined
 *   with `&`, in order.
 * - With data, the method defaults to POST and, when no Content-Type is given, curl sends
 *   `Content-Type: application/x-www-form-urlencoded`: signet adds that header explicitly.
 */

export const REQUEST_OPTIONS: OptionDefs = {
  request: { type: 'string', short: 'X' },
  header: { type: 'string', short: 'H', multiple: true },
  data: { type: 'string', short: 'd', multiple: true },
  'data-binary': { type: 'string', multiple: true },
  'data-raw': { type: 'string', multiple: true },
  'data-ascii': { type: 'string', multiple: true },
  url: { type: 'string' },
}

const DATA_FLAGS = new Set(['data', 'data-binary', 'data-raw', 'data-ascii'])
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
export const CURL_DEFAULT_CONTENT_TYPE = 'application/x-www-form-urlencoded'

/** One data flag as given, to reproduce it in a curl command. */
export interface DataFlag {
  flag: 'data' | 'data-binary' | 'data-raw'
  value: string
}

/** The request body. */
export type BodySpec =
  /** A single `--data-binary @file`: signed from a file-backed Blob (hashed in pieces), sent from the file. */
  | { kind: 'file'; path: string; size: number; flags: DataFlag[] }
  | { kind: 'bytes'; bytes: Uint8Array; flags: DataFlag[]; fromStdin: boolean }

export interface RequestSpec {
  method: string
  url: URL
  /** Headers in order, names as given. */
  headers: [string, string][]
  body: BodySpec | undefined
  /** Set when signet added curl's default Content-Type. */
  impliedContentType: string | undefined
  /** Where the body came from, for explanations: `order.json`, `-d text`, `stdin`. */
  bodyLabel: string | undefined
}

/** Parses and validates one `Name: value` header as curl does (`Name;` is an empty value; `Name:` removes). */
function parseHeader(line: string, where: string): { name: string; value: string | undefined } {
  const semi = /^([^:;\s]+);\s*$/.exec(line)
  if (semi) return { name: semi[1]!, value: '' }
  const colon = line.indexOf(':')
  if (colon <= 0) throw new UsageError(`${where}: ${JSON.stringify(line.slice(0, 80))} is not a header`, "write -H 'Name: value'")
  const name = line.slice(0, colon).trim()
  if (!TOKEN.test(name)) throw new UsageError(`${where}: ${JSON.stringify(name)} is not a valid header name`, 'header names are letters, digits and !#$%&\'*+-.^_`|~')
  const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')
  if (/[\r\n\0]/.test(value)) throw new UsageError(`${where}: the value of ${name} contains CR, LF or NUL`)
  return { name, value: value === '' ? undefined : value }
}

async function readPath(io: Io, path: string, what: string): Promise<Uint8Array> {
  if (path === '-') return io.readStdin()
  try {
    return await readFile(path)
  } catch (err) {
    const code = (err as { code?: string }).code
    throw new UsageError(`cannot read ${what} ${path}${code ? ` (${code})` : ''}`, code === 'ENOENT' ? 'check the path (relative paths start from the current directory)' : undefined)
  }
}

const encoder = new TextEncoder()

/** Reads the headers of `-H` flags, expanding `-H @file`. */
async function headersOf(io: Io, p: Parsed): Promise<[string, string][]> {
  const out: [string, string][] = []
  for (const h of list(p, 'header')) {
    const lines = h.startsWith('@') ? new TextDecoder().decode(await readPath(io, h.slice(1), '-H file')).split(/\r?\n/).filter((l) => l.trim() !== '') : [h]
    for (const line of lines) {
      const { name, value } = parseHeader(line, h.startsWith('@') ? `-H ${h}` : '-H')
      if (value === undefined) {
        // curl: "Name:" removes a header; here it removes one given earlier.
        for (let i = out.length - 1; i >= 0; i--) if (out[i]![0].toLowerCase() === name.toLowerCase()) out.splice(i, 1)
      } else out.push([name, value])
    }
  }
  return out
}

/** The URL: `--url` or the one positional argument. */
export function urlOf(p: Parsed, command: string): URL {
  const given = str(p, 'url')
  const positional = p.positionals
  if (given !== undefined && positional.length > 0) throw new UsageError(`signet ${command}: give the URL once (--url or as an argument), not both`)
  const text = given ?? positional[0]
  if (text === undefined) throw new UsageError(`signet ${command}: no URL`, `add the request URL, e.g. signet ${command} … https://api.example.com/items`)
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new UsageError(`the URL ${JSON.stringify(text)} has no scheme`, `write it in full: http://${text.replace(/^\/+/, '')} or https://…`)
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`${JSON.stringify(text)} is not a valid URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`the URL must be http:// or https://, received ${url.protocol}`)
  return url
}

export function hasRequestFlags(p: Parsed): boolean {
  return ['request', 'header', 'data', 'data-binary', 'data-raw', 'data-ascii', 'url'].some((n) => p.values[n] !== undefined) || p.positionals.length > 0
}

/** Where the body came from, in explanations: `order.json`, `stdin`, `--data text`. */
function labelOf(flags: readonly DataFlag[]): string {
  if (flags.length > 1) return `${flags.length} data options joined with &`
  const d = flags[0]!
  if (d.flag === 'data-raw' || !d.value.startsWith('@')) return `--${d.flag} text`
  const path = d.value.slice(1)
  if (path === '-') return 'stdin'
  return d.flag === 'data' ? `${path}, CR/LF removed as curl -d does` : path
}

/** Builds the request from the flags. Files are read here, except a lone `--data-binary @file`. */
export async function requestFromFlags(io: Io, p: Parsed, command: string): Promise<RequestSpec> {
  const url = urlOf(p, command)
  const headers = await headersOf(io, p)
  const dataFlags: DataFlag[] = []
  for (const t of p.ordered) {
    if (!DATA_FLAGS.has(t.name) || t.value === undefined) continue
    dataFlags.push({ flag: t.name === 'data-ascii' ? 'data' : (t.name as DataFlag['flag']), value: t.value })
  }
  let body: BodySpec | undefined
  let bodyLabel: string | undefined
  const only = dataFlags.length === 1 ? dataFlags[0]! : undefined
  if (only && only.flag === 'data-binary' && only.value.startsWith('@') && only.value !== '@-') {
    const path = only.value.slice(1)
    let size: number
    try {
      const s = await stat(path)
      if (!s.isFile()) throw new UsageError(`--data-binary ${only.value}: not a file`)
      size = s.size
    } catch (err) {
      if (err instanceof UsageError) throw err
      const code = (err as { code?: string }).code
      throw new UsageError(`cannot read --data-binary file ${path}${code ? ` (${code})` : ''}`, 'check the path (relative paths start from the current directory)')
    }
    body = { kind: 'file', path, size, flags: dataFlags }
    bodyLabel = path
  } else if (dataFlags.length > 0) {
    const parts: Uint8Array[] = []
    let fromStdin = false
    for (const [i, d] of dataFlags.entries()) {
      if (i > 0) parts.push(encoder.encode('&'))
      let bytes: Uint8Array
      if (d.flag !== 'data-raw' && d.value.startsWith('@')) {
        const path = d.value.slice(1)
        if (path === '-') fromStdin = true
        bytes = await readPath(io, path, `--${d.flag} file`)
        // curl -d @file strips carriage returns and newlines; --data-binary keeps the file as is.
        if (d.flag === 'data') bytes = bytes.filter((b) => b !== 0x0d && b !== 0x0a)
      } else bytes = encoder.encode(d.value)
      parts.push(bytes)
    }
    body = { kind: 'bytes', bytes: concatBytes(parts), flags: dataFlags, fromStdin }
    bodyLabel = labelOf(dataFlags)
  }
  let impliedContentType: string | undefined
  if (body && !headers.some(([n]) => n.toLowerCase() === 'content-type')) {
    impliedContentType = CURL_DEFAULT_CONTENT_TYPE
    headers.push(['Content-Type', CURL_DEFAULT_CONTENT_TYPE])
  }
  const explicit = str(p, 'request')
  if (explicit !== undefined && !TOKEN.test(explicit)) throw new UsageError(`-X ${JSON.stringify(explicit)} is not an HTTP method`)
  const method = (explicit ?? (body ? 'POST' : 'GET')).toUpperCase()
  return { method, url, headers, body, impliedContentType, bodyLabel }
}

/** The body's size in bytes (0 without a body). */
export function bodySize(spec: { body: BodySpec | undefined }): number {
  if (!spec.body) return 0
  return spec.body.kind === 'file' ? spec.body.size : spec.body.bytes.byteLength
}
