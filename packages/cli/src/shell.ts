import type { DataFlag } from './request.ts'

/**
 * POSIX shell quoting: a word made only of safe characters stays bare, anything else is put in
 * single quotes (a single quote inside becomes `'\''`). The result survives sh, bash and zsh.
 */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** HTTP header names as commonly written: `content-digest` → `Content-Digest`. */
export function displayHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
}

export interface CurlCommand {
  method: string
  url: string
  headers: readonly (readonly [string, string])[]
  /** The data flags to reproduce; they make curl send exactly the signed bytes (see request.ts). */
  data: readonly DataFlag[]
}

/**
 * A curl command that sends exactly what was signed: the URL as signed (normalized by `URL`,
 * as fetch sends it), every header, and the body with the same data flags, whose processing
 * curl repeats identically (a file stays `--data-binary @file`). One argument per line.
 */
export function curlCommand(c: CurlCommand): string {
  // curl reads [] and {} in a URL as glob patterns (?a[]=1 would fail): --globoff sends it as is.
  const parts: string[] = ['curl', ...(/[[\]{}]/.test(c.url) ? ['--globoff'] : []), '-X', shellQuote(c.method), shellQuote(c.url)]
  const lines: string[] = [parts.join(' ')]
  for (const [name, value] of c.headers) lines.push(`-H ${shellQuote(`${displayHeaderName(name.toLowerCase())}: ${value}`)}`)
  for (const d of c.data) {
    // Inline text given with --data-binary would be read as a file if it started with "@": --data-raw never is.
    const flagName = d.flag === 'data-binary' && !d.value.startsWith('@') ? 'data-raw' : d.flag
    lines.push(`--${flagName} ${shellQuote(d.value)}`)
  }
  return lines.join(' \\\n  ')
}
