/**
 * Everything a command touches outside its arguments: output streams, stdin, the environment and
 * the clock. Commands take an {@link Io} so that the library entry can run them in-process and the
 * binary can hand them the real process. Every write goes through the {@link Redactor}: a secret
 * that somehow reached an output string is replaced by `<secret>` before it is written.
 */

/** A text sink (stdout or stderr). */
export interface Writer {
  write(text: string): void
  /** Raw bytes (a response body that is not UTF-8 text); redaction does not apply. */
  writeBytes(bytes: Uint8Array): void
  readonly isTTY: boolean
}

export interface Io {
  readonly stdout: Writer
  readonly stderr: Writer
  /** Reads all of stdin. */
  readStdin(): Promise<Uint8Array>
  readonly stdinIsTTY: boolean
  readonly env: Readonly<Record<string, string | undefined>>
  /** Current time in ms. */
  now(): number
  readonly redactor: Redactor
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); used by `signet serve`. */
  stopSignal(): Promise<void>
}

/** Secrets shorter than this are not searched for in output (they would match ordinary text). */
const MIN_REDACTED_LENGTH = 4

/** Replaces every registered secret in a string by `<secret>`. */
export class Redactor {
  private readonly secrets = new Set<string>()

  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= MIN_REDACTED_LENGTH) this.secrets.add(secret)
  }

  redact(text: string): string {
    let out = text
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('<secret>')
    return out
  }
}

const decoder = new TextDecoder()

/** The real process: `process.stdout`/`stderr`/`stdin`/`env` (Node, Deno and Bun all provide them). */
export function processIo(): Io {
  const redactor = new Redactor()
  // A closed pipe (signet … | head) ends the output, not the process with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0)
      throw err
    })
  }
  const writer = (stream: NodeJS.WriteStream): Writer => ({
    write: (text) => {
      stream.write(redactor.redact(text))
    },
    writeBytes: (bytes) => {
      stream.write(bytes)
    },
    get isTTY() {
      return Boolean(stream.isTTY)
    },
  })
  return {
    stdout: writer(process.stdout),
    stderr: writer(process.stderr),
    async readStdin() {
      const chunks: Uint8Array[] = []
      for await (const chunk of process.stdin as AsyncIterable<Uint8Array | string>) {
        chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk)
      }
      return concatBytes(chunks)
    },
    stdinIsTTY: Boolean(process.stdin.isTTY),
    env: process.env,
    now: () => Date.now(),
    redactor,
    stopSignal: () =>
      new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      }),
  }
}

/** An in-memory {@link Io} for tests and embedding: collects output as text. */
export function memoryIo(options: { stdin?: string | Uint8Array; env?: Record<string, string | undefined>; now?: () => number } = {}): Io & { out(): string; err(): string } {
  const redactor = new Redactor()
  let out = ''
  let err = ''
  const stdin = typeof options.stdin === 'string' ? new TextEncoder().encode(options.stdin) : options.stdin
  return {
    stdout: { write: (t) => void (out += redactor.redact(t)), writeBytes: (b) => void (out += decoder.decode(b)), isTTY: false },
    stderr: { write: (t) => void (err += redactor.redact(t)), writeBytes: (b) => void (err += decoder.decode(b)), isTTY: false },
    readStdin: async () => stdin ?? new Uint8Array(0),
    stdinIsTTY: stdin === undefined,
    env: options.env ?? {},
    now: options.now ?? (() => Date.now()),
    redactor,
    stopSignal: () => new Promise<void>(() => {}),
    out: () => out,
    err: () => err,
  }
}

export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!
  let size = 0
  for (const c of chunks) size += c.byteLength
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}
