import { readFile } from 'node:fs/promises'
import { UsageError } from './args.ts'
import type { Io } from './io.ts'

/**
 * The secret comes from an environment variable (default `SIGNET_SECRET`) or a file, never from
 * the command line. `--secret-encoding` says how its text is turned into key bytes.
 */

export type SecretEncoding = 'utf8' | 'base64' | 'hex'
export const SECRET_ENCODINGS: readonly SecretEncoding[] = ['utf8', 'base64', 'hex']
export const DEFAULT_SECRET_ENV = 'SIGNET_SECRET'

export interface SecretSource {
  /** `--secret-env` (undefined: the default variable). */
  env?: string | undefined
  /** `--secret-file`. */
  file?: string | undefined
  /** `--secret-encoding`. */
  encoding?: string | undefined
}

export interface LoadedSecret {
  /** A string (its UTF-8 bytes are the key) or the decoded bytes. */
  secret: string | Uint8Array
  /** Where it came from, for messages: `$SIGNET_SECRET` or the file path. Never the value. */
  origin: string
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true })

export function secretEncoding(value: string | undefined): SecretEncoding {
  if (value === undefined) return 'utf8'
  const v = value.toLowerCase().replace('-', '')
  if ((SECRET_ENCODINGS as readonly string[]).includes(v)) return v as SecretEncoding
  throw new UsageError(`--secret-encoding must be utf8, base64 or hex, received ${JSON.stringify(value)}`)
}

function decodeBase64(text: string): Uint8Array | undefined {
  const t = text.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/')
  if (t === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.replace(/=+$/, '').length % 4 === 1) return undefined
  const padded = t.replace(/=+$/, '')
  const bin = atob(padded + '='.repeat((4 - (padded.length % 4)) % 4))
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}

function decodeHex(text: string): Uint8Array | undefined {
  const t = text.replace(/\s+/g, '')
  if (t === '' || t.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(t)) return undefined
  return Uint8Array.from({ length: t.length / 2 }, (_, i) => parseInt(t.slice(2 * i, 2 * i + 2), 16))
}

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** The name of the environment variable the secret is read from. */
export function secretEnvName(source: SecretSource): string {
  return source.env ?? DEFAULT_SECRET_ENV
}

/**
 * Registers the secret's text forms with the redactor before anything else can print them:
 * called by every command with whatever secret the environment holds, even when it is not used.
 */
export function redactEnvSecret(io: Io, source: SecretSource): void {
  io.redactor.add(io.env[secretEnvName(source)])
}

/**
 * Loads the secret. `textSecret`: the scheme wants the secret's text (djangoHmac's api_secret is
 * base64 text it decodes itself): a base64 secret is then passed through as text.
 */
export async function loadSecret(io: Io, source: SecretSource, { textSecret = false }: { textSecret?: boolean } = {}): Promise<LoadedSecret> {
  const encoding = secretEncoding(source.encoding)
  const envName = secretEnvName(source)
  if (source.env !== undefined && source.file !== undefined) {
    throw new UsageError('--secret-env and --secret-file are both given', 'choose one place to read the secret from')
  }
  let text: string
  let origin: string
  if (source.file !== undefined) {
    origin = source.file
    let bytes: Uint8Array
    try {
      bytes = await readFile(source.file)
    } catch (err) {
      const code = (err as { code?: string }).code
      throw new UsageError(`cannot read --secret-file ${source.file}${code ? ` (${code})` : ''}`, code === 'ENOENT' ? 'check the path, or set SIGNET_SECRET instead' : 'check the file permissions')
    }
    try {
      text = fatalUtf8.decode(bytes)
    } catch {
      throw new UsageError(`--secret-file ${source.file} is not UTF-8 text`, 'store binary keys as base64 or hex text and pass --secret-encoding base64 (or hex)')
    }
    // As $(cat file) would: a trailing newline written by an editor or `echo` is not part of the secret.
    text = text.replace(/[\r\n]+$/, '')
    if (text === '') throw new UsageError(`--secret-file ${source.file} is empty`)
  } else {
    origin = `$${envName}`
    const value = io.env[envName]
    if (value === undefined) {
      throw new UsageError(
        source.env === undefined ? `no secret: set ${envName} or pass --secret-file` : `no secret: the environment variable ${envName} (--secret-env) is not set`,
        `export ${envName}='…' (or read it from a file: --secret-file PATH); secrets are never taken from the command line`,
      )
    }
    if (value === '') throw new UsageError(`no secret: ${envName} is set but empty`, `export ${envName}='…' or pass --secret-file PATH`)
    text = value
  }
  io.redactor.add(text)

  if (encoding === 'utf8') return { secret: text, origin }
  const bytes = encoding === 'base64' ? decodeBase64(text) : decodeHex(text)
  if (!bytes) {
    throw new UsageError(
      `the secret in ${origin} is not ${encoding === 'base64' ? 'base64' : 'hex'} text`,
      encoding === 'base64' ? 'check the value, or drop --secret-encoding to use the text as is (utf8)' : 'hex needs an even number of 0-9a-f digits; or drop --secret-encoding to use the text as is (utf8)',
    )
  }
  io.redactor.add(toBase64(bytes))
  io.redactor.add(toHex(bytes))
  if (textSecret) return { secret: encoding === 'base64' ? text.trim() : toBase64(bytes), origin }
  return { secret: bytes, origin }
}
