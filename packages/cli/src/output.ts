import type { Io } from './io.ts'

/** Output helpers shared by the commands. */

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

export function line(io: Io, text = ''): void {
  io.stdout.write(`${text}\n`)
}

export function note(io: Io, text: string): void {
  io.stderr.write(`${text}\n`)
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true })

/** A body for JSON output: UTF-8 text when it is text, else base64. */
export function bodyForJson(bytes: Uint8Array): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  try {
    return { body: fatalUtf8.decode(bytes), bodyEncoding: 'utf8' }
  } catch {
    let s = ''
    for (const b of bytes) s += String.fromCharCode(b)
    return { body: btoa(s), bodyEncoding: 'base64' }
  }
}

/** Text of a UTF-8 body, or undefined when it is binary. */
export function textOf(bytes: Uint8Array): string | undefined {
  try {
    return fatalUtf8.decode(bytes)
  } catch {
    return undefined
  }
}

export function isoSeconds(seconds: number): string {
  const d = new Date(seconds * 1000)
  return Number.isNaN(d.getTime()) ? String(seconds) : d.toISOString().replace('.000Z', 'Z')
}

/** Pads `text` to `width` columns (code points). */
export function pad(text: string, width: number): string {
  const n = [...text].length
  return n >= width ? text : text + ' '.repeat(width - n)
}
