import { parseArgs, type ParseArgsConfig } from 'node:util'

/**
 * Argument parsing: `node:util` parseArgs in strict mode, with errors that say what to do.
 * Exit codes: see {@link EXIT}.
 */

/** Exit codes of every command (documented in docs/cli.md and `signet --help`). */
export const EXIT = {
  /** Signed, valid, sent and accepted, bases identical. */
  ok: 0,
  /** Invalid signature, request refused by the server, bases differ. */
  invalid: 1,
  /** Usage error: bad or missing flags, no secret, unreadable or unparsable input. */
  usage: 2,
  /** Could not complete: network error, or an unexpected internal error. */
  failure: 3,
} as const

/** A mistake in the command line or its inputs (exit 2). `fix` says what to do. */
export class UsageError extends Error {
  readonly fix: string | undefined
  constructor(message: string, fix?: string) {
    super(message)
    this.name = 'UsageError'
    this.fix = fix
  }
}

/** The command could not complete for a reason outside the user's input (exit 3). */
export class FailureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'FailureError'
  }
}

export interface OptionDef {
  type: 'string' | 'boolean'
  short?: string
  multiple?: boolean
}
export type OptionDefs = Record<string, OptionDef>

export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>
  positionals: string[]
  /** Options in command-line order (for curl's data flags, whose order matters). */
  ordered: { name: string; value: string | undefined }[]
}

/**
 * curl options a user may paste that signet does not take, with the reason and what to do.
 * Output-only curl flags (-s, -S, -i, -v, -f) are accepted and ignored; see {@link IGNORED_CURL_FLAGS}.
 */
const UNSUPPORTED_CURL: Record<string, string> = {
  '-G': 'signet does not move -d data into the query: put the query in the URL',
  '--get': 'signet does not move -d data into the query: put the query in the URL',
  '--data-urlencode': 'encode the value yourself and pass it with --data-raw',
  '-F': 'multipart forms are not supported: serialize the body to a file and pass --data-binary @file with its Content-Type',
  '--form': 'multipart forms are not supported: serialize the body to a file and pass --data-binary @file with its Content-Type',
  '-u': 'signet signs with a key, not basic auth: pass -H "Authorization: …" if the server needs both',
  '--user': 'signet signs with a key, not basic auth: pass -H "Authorization: …" if the server needs both',
  '-L': 'redirects are not followed: a signature is for one URL',
  '--location': 'redirects are not followed: a signature is for one URL',
  '--compressed': 'pass -H "Accept-Encoding: …" explicitly so that it is part of what is signed',
  '-k': 'TLS options are not supported by --send; use --curl and add -k to the printed command',
  '--insecure': 'TLS options are not supported by --send; use --curl and add -k to the printed command',
  '-o': 'signet writes the response body to stdout: redirect it (> file)',
  '--output': 'signet writes the response body to stdout: redirect it (> file)',
  '-T': 'use --data-binary @file instead',
  '--upload-file': 'use --data-binary @file instead',
}

/** curl flags that only change curl's own output: accepted so that a pasted curl command parses. */
export const IGNORED_CURL_FLAGS: OptionDefs = {
  silent: { type: 'boolean', short: 's' },
  'show-error': { type: 'boolean', short: 'S' },
  include: { type: 'boolean', short: 'i' },
  verbose: { type: 'boolean', short: 'v' },
  fail: { type: 'boolean', short: 'f' },
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
  }
  return d[a.length]![b.length]!
}

function suggestion(unknown: string, options: OptionDefs): string | undefined {
  const name = unknown.replace(/^-+/, '').split('=')[0]!
  let best: string | undefined
  let bestD = 3
  for (const o of Object.keys(options)) {
    const dd = distance(name, o)
    if (dd < bestD) {
      bestD = dd
      best = o
    }
  }
  return best === undefined ? undefined : `--${best}`
}

/**
 * Parses `argv` for `command`. Refuses a secret on the command line before anything else, so that
 * no error message ever echoes it.
 */
export function parse(command: string, argv: readonly string[], options: OptionDefs, maxPositionals: number): Parsed {
  for (const a of argv) {
    if (a === '--') break
    if (/^--(secret|password|api-secret)(=|$)/.test(a)) {
      throw new UsageError(
        `${a.split('=')[0]} is not accepted: a secret on the command line ends up in shell history and in the process list`,
        'set SIGNET_SECRET (or the variable named by --secret-env) or pass --secret-file PATH',
      )
    }
  }
  let result: ReturnType<typeof parseArgs>
  try {
    result = parseArgs({ args: [...argv], options: options as NonNullable<ParseArgsConfig['options']>, strict: true, allowPositionals: true, tokens: true })
  } catch (err) {
    const e = err as { code?: string; message: string }
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(e.message)?.[1] ?? '?'
      const bare = flag.split('=')[0]!
      const curl = UNSUPPORTED_CURL[bare]
      if (curl) throw new UsageError(`signet ${command}: curl's ${bare} is not supported`, curl)
      if (bare === '--json' && !('json' in options)) throw new UsageError(`signet ${command}: --json is not an option of this command`)
      const near = suggestion(flag, options)
      throw new UsageError(`signet ${command}: unknown option ${bare}`, near ? `did you mean ${near}? (see signet ${command} --help)` : `see signet ${command} --help`)
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(`signet ${command}: ${e.message.split('\n')[0]}`, e.message.split('\n').slice(1).join(' ').trim() || `see signet ${command} --help`)
    }
    throw new UsageError(`signet ${command}: ${e.message}`, `see signet ${command} --help`)
  }
  if (result.positionals.length > maxPositionals) {
    const extra = result.positionals.slice(maxPositionals)
    throw new UsageError(
      `signet ${command}: unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((p) => JSON.stringify(p)).join(' ')}`,
      maxPositionals === 0 ? `signet ${command} takes no positional argument; see signet ${command} --help` : `quote values that contain spaces; see signet ${command} --help`,
    )
  }
  const ordered: Parsed['ordered'] = []
  for (const t of result.tokens ?? []) if (t.kind === 'option') ordered.push({ name: t.name, value: t.value })
  return { values: result.values as Parsed['values'], positionals: result.positionals, ordered }
}

/** A string option, or undefined. */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name]
  if (Array.isArray(v)) return v.length === 0 ? undefined : String(v[v.length - 1])
  return typeof v === 'string' ? v : undefined
}

/** A repeatable string option, as a list. */
export function list(p: Parsed, name: string): string[] {
  const v = p.values[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).map(String)
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true
}

/** A non-negative number of seconds. */
export function seconds(p: Parsed, name: string, { integer = false, allowNegative = false } = {}): number | undefined {
  const v = str(p, name)
  if (v === undefined) return undefined
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n) || (!allowNegative && n < 0) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be a ${allowNegative ? '' : 'non-negative '}${integer ? 'whole ' : ''}number of seconds, received ${JSON.stringify(v)}`, allowNegative ? `write negative values as --${name}=-30` : undefined)
  }
  return n
}

/**
 * `--now`: unix seconds (`1700000000`, fractions allowed) or a date (`2023-11-14T22:13:20Z`,
 * any form `Date.parse` reads). Returns ms since the epoch.
 */
export function parseTime(text: string, name = 'now'): number {
  if (/^\d{1,12}(\.\d+)?$/.test(text)) return Number(text) * 1000
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) throw new UsageError(`--${name} ${JSON.stringify(text)} is not a time`, 'give unix seconds (1700000000) or an ISO-8601 date (2023-11-14T22:13:20Z)')
  return ms
}
